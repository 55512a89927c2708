export interface RateLimit {
  max: number;
  windowMs: number;
}

export interface RateLog {
  /** Milliseconds until `key` is under every limit again; 0 when it is now. */
  wait(key: string): number;
  record(key: string): void;
  /** Records a use when allowed; otherwise returns how long to wait (and records nothing). */
  take(key: string): number;
}

// Keys are addresses and account names a stranger chooses: the log forgets the oldest beyond this many.
const MAX_KEYS = 10_000;

/** Sliding-window counts per key (an address, an account, a user), in memory, on an injected clock. */
export function createRateLog(limits: readonly RateLimit[], now: () => number = Date.now): RateLog {
  const longest = Math.max(...limits.map((l) => l.windowMs));
  const hits = new Map<string, number[]>();

  function recent(key: string): number[] {
    const t = now();
    const kept = (hits.get(key) ?? []).filter((at) => t - at < longest);
    if (kept.length) hits.set(key, kept);
    else hits.delete(key);
    return kept;
  }

  function wait(key: string): number {
    const times = recent(key);
    const t = now();
    let until = 0;
    for (const { max, windowMs } of limits) {
      const inWindow = times.filter((at) => t - at < windowMs);
      // Over the limit until the oldest use that makes it so leaves the window.
      if (inWindow.length >= max) until = Math.max(until, (inWindow[inWindow.length - max] as number) + windowMs - t);
    }
    return until;
  }

  function record(key: string): void {
    const times = recent(key);
    hits.delete(key);
    hits.set(key, [...times, now()]);
    if (hits.size > MAX_KEYS) hits.delete(hits.keys().next().value as string);
  }

  return {
    wait,
    record,
    take(key) {
      const w = wait(key);
      if (w === 0) record(key);
      return w;
    },
  };
}
