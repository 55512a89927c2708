import { TransferError } from "./transfer-error";

export interface RetryPolicy {
  /** Retries per request (a part of a file, a listing page) before its error is final. */
  maxRetries: number;
  /** Fewer for a server that cannot be reached at all: nothing suggests it is coming back. */
  maxUnreachableRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is final. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, maxUnreachableRetries: 2, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with jitter, or the server's Retry-After; null when that is longer than the policy waits. */
export function retryDelayMs(policy: RetryPolicy, retry: number, error: TransferError): number | null {
  if (error.retryAfterMs !== null) return error.retryAfterMs > policy.maxRetryAfterMs ? null : error.retryAfterMs;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return exponential / 2 + Math.random() * (exponential / 2);
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A failure that ran out of retries, with how many were made. */
export class RetriesExhausted extends Error {
  readonly last: TransferError;
  readonly retries: number;

  constructor(last: TransferError, retries: number) {
    super(last.message);
    this.name = "RetriesExhausted";
    this.last = last;
    this.retries = retries;
  }
}

/**
 * Runs `attempt` until it succeeds, retrying retryable TransferErrors with
 * backoff. `attempt` resumes from whatever the previous one achieved. Non-
 * retryable errors pass through; the last retryable one is wrapped in
 * RetriesExhausted so the message can say how many retries were made.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { policy: RetryPolicy; signal: AbortSignal; onRetry?: (error: TransferError, delayMs: number) => void },
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted || !(error instanceof TransferError) || !error.retryable) throw error;
      const allowed = error.failure === "unreachable" ? options.policy.maxUnreachableRetries : options.policy.maxRetries;
      const delay = retry < allowed ? retryDelayMs(options.policy, retry + 1, error) : null;
      if (delay === null) throw new RetriesExhausted(error, retry);
      options.onRetry?.(error, delay);
      await sleep(delay, options.signal);
    }
  }
}
