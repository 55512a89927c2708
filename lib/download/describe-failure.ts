import { WhetError } from "../errors";
import { RetriesExhausted } from "./retry-policy";
import { TransferError } from "./transfer-error";

/** What was being done when a request failed, for the sentence a person reads. */
export interface FailureContext {
  /** e.g. "downloading model.safetensors" or "listing the files of acme/tiny". */
  doing: string;
  /** `org/name[@rev]` as asked for. */
  spec: string;
  hubUrl: string;
  /** The repository file being fetched, when it was a file's content. */
  file?: string;
}

function times(n: number): string {
  return n === 1 ? "1 retry" : `${n} retries`;
}

/** 401/403/404 from the Hub: which of missing, private, gated, bad token or bad revision it is. */
function accessError(error: TransferError, context: FailureContext): WhetError | null {
  const { status, hubCode } = error;
  if (status !== 401 && status !== 403 && status !== 404) return null;
  if (hubCode === "GatedRepo") {
    return new WhetError(
      "access_denied",
      `${context.spec} is gated (HTTP ${status}): its files need an accepted access request.`,
      "Accept the model's terms on its Hub page, and set HF_TOKEN to a token of that account.",
      { status },
    );
  }
  if (hubCode === "RevisionNotFound") {
    return new WhetError("revision_not_found", `Revision not found for ${context.spec}.`, "Check the branch, tag or commit after '@'.", { status });
  }
  if (hubCode === "EntryNotFound" || (status === 404 && context.file !== undefined && hubCode !== "RepoNotFound")) {
    return new WhetError(
      "file_not_found",
      `${context.file ?? "A listed file"} is missing on the Hub (HTTP 404) although the listing of ${context.spec} names it.`,
      "The repository changed during the download; run it again.",
      { status },
    );
  }
  if (hubCode === "RepoNotFound" || status === 404) {
    return new WhetError(
      "repo_not_found",
      `Repository not found: ${context.spec} (it does not exist, or it is private).`,
      "Check the name (org/name); for a private repository set HF_TOKEN to a token that can read it.",
      { status },
    );
  }
  return new WhetError(
    "access_denied",
    `Access denied to ${context.spec} (HTTP ${status}).`,
    "Set HF_TOKEN to a valid token that can read this repository.",
    { status },
  );
}

/**
 * The error a person sees for a failed Hub request, naming its real cause and
 * how many retries were made: a reset connection is not "cannot reach the Hub".
 */
export function describeFailure(error: unknown, context: FailureContext): WhetError {
  if (error instanceof WhetError) return error;
  const retries = error instanceof RetriesExhausted ? error.retries : 0;
  const last = error instanceof RetriesExhausted ? error.last : error;
  if (!(last instanceof TransferError)) {
    const message = last instanceof Error ? last.message : String(last);
    return new WhetError("download_failed", `Failed while ${context.doing}: ${message}.`, "Run the same command again to resume.");
  }
  const after = retries > 0 ? ` after ${times(retries)}` : "";
  const resume = "Run the same command again: it resumes from the bytes already received.";
  const details = { failure: last.failure, retries, ...(last.status === null ? {} : { status: last.status }) };
  switch (last.failure) {
    case "reset":
      return new WhetError("connection_reset", `The connection was reset by the server${after} while ${context.doing}.`, resume, details);
    case "closed":
      return new WhetError("connection_closed", `The server closed the connection mid-transfer${after} while ${context.doing}.`, resume, details);
    case "unreachable":
      return new WhetError(
        "hub_unreachable",
        `Cannot reach the Hub at ${context.hubUrl}: ${last.message}${after}, while ${context.doing}.`,
        "Check the network or HF_ENDPOINT; without internet, start the app with --demo to use the built-in demo hub.",
        details,
      );
    case "stall":
      return new WhetError("download_stalled", `The transfer stalled (${last.message})${after} while ${context.doing}.`, `${resume} A slow link may need a longer --stall-timeout.`, details);
    case "overflow":
      return new WhetError("body_too_long", `The server sent more bytes than announced (${last.message})${after} while ${context.doing}.`, "The server is misbehaving; check HF_ENDPOINT.", details);
    case "truncated":
      return new WhetError("download_truncated", `The server ended the body early${after} while ${context.doing}.`, resume, details);
    case "protocol":
    case "redirects":
      return new WhetError("hub_protocol_error", `The server answered wrongly while ${context.doing}: ${last.message}.`, "The server is misbehaving; check HF_ENDPOINT.", details);
    case "status": {
      const access = accessError(last, context);
      if (access) return access;
      if (last.status === 416) {
        return new WhetError("size_mismatch", `The server has fewer bytes than the listing announced (HTTP 416) while ${context.doing}.`, "The server's listing and its files disagree; check HF_ENDPOINT, or try again later.", details);
      }
      if (last.status === 429) {
        return new WhetError("rate_limited", `The Hub kept answering HTTP 429 (too many requests)${after} while ${context.doing}.`, "Wait a few minutes and run it again; a token (HF_TOKEN) has a higher limit.", details);
      }
      return new WhetError("hub_http_error", `The Hub answered HTTP ${last.status}${after} while ${context.doing}.`, "Try again later; if it persists, check HF_ENDPOINT.", details);
    }
  }
}
