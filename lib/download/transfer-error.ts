/** What went wrong with one request, in terms a person can act on. */
export type TransferFailure =
  | "reset"
  | "closed"
  | "unreachable"
  | "stall"
  | "status"
  | "overflow"
  | "truncated"
  | "protocol"
  | "redirects";

/**
 * A failed request. `retryable` failures are retried (resuming from the bytes
 * already written); the last one becomes the error a person sees.
 */
export class TransferError extends Error {
  readonly failure: TransferFailure;
  readonly retryable: boolean;
  readonly status: number | null;
  /** Milliseconds the server asked to wait (429/503 Retry-After). */
  readonly retryAfterMs: number | null;
  /** The Hub's X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo). */
  readonly hubCode: string | null;

  constructor(
    failure: TransferFailure,
    message: string,
    options: { retryable: boolean; status?: number; retryAfterMs?: number | null; hubCode?: string | null },
  ) {
    super(message);
    this.name = "TransferError";
    this.failure = failure;
    this.retryable = options.retryable;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.hubCode = options.hubCode ?? null;
  }
}

/** The socket error's code: node:http puts it on the error, undici on its cause. */
function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === "string") return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === "string" ? cause.code : undefined;
}

/** A body that ended before its length: the server (or something between) closed the connection. */
export function closedError(): TransferError {
  return new TransferError("closed", "the server closed the connection before the transfer was complete", { retryable: true });
}

/**
 * Names what a failed request or body read means. Undici throws TypeError
 * "fetch failed" (no response) or "terminated" (mid-body) with the socket
 * error as its cause; node:http throws the socket error itself. Only a
 * connection that never opened is "unreachable".
 */
export function classifyNetworkError(error: unknown, gotResponse: boolean): TransferError {
  if (error instanceof TransferError) return error;
  const code = errorCode(error);
  if (code === "ECONNRESET") return new TransferError("reset", "the connection was reset by the server", { retryable: true });
  if (code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "UND_ERR_CLOSED" || gotResponse) return closedError();
  const detail = code ?? (error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));
  return new TransferError("unreachable", `the server could not be reached (${detail})`, { retryable: true });
}
