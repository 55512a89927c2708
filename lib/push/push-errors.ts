import { HubApiError } from "@huggingface/hub";
import { WhetError } from "../errors";

/** What the Hub said, as much as a push needs to explain a failure. */
export interface HubFailure {
  status: number;
  /** The Hub's `X-Error-Code` (RepoNotFound, RevisionNotFound...), when it sent one. */
  code: string | null;
  message: string;
}

/** A Hub message is shown to the user: one line, bounded, printable. */
function clean(message: string): string {
  const line = message.replace(/[^\x20-\x7e\u00a0-\uffff]+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A failed Hub answer during a push of `repo`, as the WhetError that says what to do. */
export function pushFailure(failure: HubFailure, repo: string, branch: string): WhetError {
  const said = clean(failure.message);
  const details = { status: failure.status, repo };
  if (failure.code === "RepoNotFound" || (failure.status === 404 && /repository not found/i.test(said))) {
    return new WhetError("repo_not_found", `Repository not found: ${repo}`, "Check the name, or add --create to create it (it is private unless --public).", details);
  }
  if (failure.code === "RevisionNotFound" || (failure.status === 404 && /invalid rev|revision not found/i.test(said))) {
    return new WhetError("branch_not_found", `Branch ${branch} does not exist in ${repo}`, "Add --create to create it from main.", details);
  }
  if (failure.status === 401) {
    return new WhetError("push_unauthorized", `The Hub did not accept the token (HTTP 401: ${said})`, "Set HF_TOKEN to a valid token with write access.", details);
  }
  if (failure.status === 403) {
    return new WhetError(
      "push_forbidden",
      `Your Hub token cannot write to ${repo} (HTTP 403: ${said})`,
      "Use a token with write access to that namespace, or push to a repo under your own name or an organisation you belong to.",
      details,
    );
  }
  if (failure.status === 412) {
    return new WhetError("push_conflict", `${repo}@${branch} changed while this push was running`, "Push again: it compares with the new state first.", details);
  }
  return new WhetError("hub_error", `The Hub answered HTTP ${failure.status} during the push to ${repo}: ${said}`, "Try again later; if it persists, check HF_ENDPOINT.", details);
}

/**
 * Any error thrown while talking to the Hub, as a WhetError; aborts (pause,
 * cancel) are passed through untouched so the job runtime sees them as such.
 */
export function toPushError(error: unknown, context: { repo: string; branch: string; hubUrl: string; signal: AbortSignal }): unknown {
  if (context.signal.aborted || error instanceof WhetError) return error;
  if (error instanceof HubApiError) return pushFailure({ status: error.statusCode, code: null, message: error.message }, context.repo, context.branch);
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === "TimeoutError") {
    return new WhetError("hub_timeout", `The Hub at ${context.hubUrl} stopped answering (${clean(message)})`, "Check the connection and push again: stored large files are not sent twice.");
  }
  return new WhetError("hub_unreachable", `Cannot reach the Hub at ${context.hubUrl} (${clean(message)})`, "Check the network or HF_ENDPOINT, then push again.");
}

/** Reads a non-2xx answer's status, `X-Error-Code` and message. */
export async function readFailure(response: Response): Promise<HubFailure> {
  const text = await response.text().catch(() => "");
  let message = text;
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    message = typeof json.error === "string" ? json.error : typeof json.message === "string" ? json.message : text;
  } catch {
    // Not JSON: the body text is the message.
  }
  return { status: response.status, code: response.headers.get("x-error-code"), message: message || response.statusText };
}
