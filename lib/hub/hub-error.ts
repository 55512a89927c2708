import { HubApiError } from "@huggingface/hub";
import { WhetError } from "../errors";

/** Turns a failed Hub call into a WhetError that says what to do. */
export function toHubError(error: unknown, what: string, hubUrl: string): WhetError {
  if (error instanceof WhetError) return error;
  if (error instanceof HubApiError) {
    const text = error.message;
    if (error.statusCode === 401 || error.statusCode === 403) {
      return new WhetError(
        "access_denied",
        `Access denied to ${what} (HTTP ${error.statusCode}): it is private or gated.`,
        "Accept the model's terms on the Hub if it is gated, and set HF_TOKEN to a token that can read it.",
        { status: error.statusCode },
      );
    }
    if (error.statusCode === 404) {
      if (/invalid rev id|revision not found/i.test(text)) {
        return new WhetError("revision_not_found", `Revision not found for ${what}: ${text}`, "Check the branch, tag or commit after '@'.");
      }
      if (/entry not found/i.test(text)) {
        return new WhetError("file_not_found", `File not found in ${what}: ${text}`, "The repository changed while downloading; try again.");
      }
      return new WhetError("repo_not_found", `Repository not found: ${what}`, "Check the name (org/name), or search with `whet search` / the Hub page.");
    }
    return new WhetError("hub_error", `The Hub answered HTTP ${error.statusCode} for ${what}: ${text}`, "Try again later; if it persists, check HF_ENDPOINT.", {
      status: error.statusCode,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return new WhetError("cancelled", `Cancelled: ${what}`, "Start it again when you are ready.");
  }
  return new WhetError(
    "hub_unreachable",
    `Cannot reach the Hub at ${hubUrl} (${message}).`,
    "Check the network or HF_ENDPOINT; without internet, start the app with --demo to use the built-in demo hub.",
  );
}
