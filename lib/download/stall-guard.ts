import { TransferError } from "./transfer-error";

export interface StallGuard {
  signal: AbortSignal;
  /** `bytes` arrived (0 for headers). */
  touch(bytes: number): void;
  dispose(): void;
}

/** Less than this per stall window is a stall too: a server dripping a byte every few seconds never finishes. */
const STALL_MIN_BYTES = 1024;

/**
 * A signal that aborts with a "stall" TransferError when fewer than
 * STALL_MIN_BYTES arrive within a window of `stallMs` (the first window starts
 * before the request is sent: a server that never answers stalls too), or when
 * `outer` aborts. A request that completes within a window is never cut.
 * `outer`'s abort is forwarded by a listener removed on dispose, rather than
 * by AbortSignal.any, which registers every request's signal (weakly) with
 * `outer` for as long as the collector has not run.
 */
export function stallGuard(outer: AbortSignal, stallMs: number): StallGuard {
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener("abort", forward, { once: true });
  let bytes = 0;
  const timer = setInterval(() => {
    if (bytes < STALL_MIN_BYTES) {
      const seconds = Math.round(stallMs / 100) / 10;
      controller.abort(new TransferError("stall", bytes === 0 ? `no bytes arrived for ${seconds} s` : `only ${bytes} bytes arrived in ${seconds} s`, { retryable: true }));
      clearInterval(timer);
    }
    bytes = 0;
  }, stallMs);
  return {
    signal: controller.signal,
    touch: (count) => {
      bytes += count;
    },
    dispose: () => {
      clearInterval(timer);
      outer.removeEventListener("abort", forward);
    },
  };
}
