import { TransferError } from "./transfer-error";

export interface StallGuard {
  signal: AbortSignal;
  /** Bytes arrived: the clock starts again. */
  touch(): void;
  dispose(): void;
}

/**
 * A signal that aborts with a "stall" TransferError when `touch` is not called
 * for `stallMs` (from before the request is sent: a server that never answers
 * stalls too), or when `outer` aborts.
 */
export function stallGuard(outer: AbortSignal, stallMs: number): StallGuard {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new TransferError("stall", `no bytes arrived for ${Math.round(stallMs / 100) / 10} s`, { retryable: true }));
  }, stallMs);
  return {
    signal: AbortSignal.any([outer, controller.signal]),
    touch: () => timer.refresh(),
    dispose: () => clearTimeout(timer),
  };
}
