/**
 * Turns work that reports through `changed()` into an async generator of
 * snapshots: at most one every `intervalMs` (by `now`), but every forced one
 * (a phase change) in order, and a last one when the work settles. The work
 * runs on its own; a slow consumer only sees fewer snapshots.
 */
export function progressPump<P>(snapshot: () => P, now: () => number, intervalMs = 100) {
  const forced: P[] = [];
  let dirty = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  return {
    /** Something changed; `force` yields it even within the interval (phase changes). */
    changed(force = false) {
      if (force) forced.push(snapshot());
      else dirty = true;
      poke();
    },
    async *run<T>(work: Promise<T>): AsyncGenerator<P, T> {
      let settled = false;
      work.then(
        () => ((settled = true), poke()),
        () => ((settled = true), poke()),
      );
      let last = Number.NEGATIVE_INFINITY;
      while (!settled) {
        if (forced.length > 0) {
          yield forced.shift() as P;
          continue;
        }
        const wait = intervalMs - (now() - last);
        if (dirty && wait <= 0) {
          dirty = false;
          last = now();
          yield snapshot();
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          const timer = dirty ? setTimeout(poke, Math.max(wait, 1)) : null;
          // The timer must not keep the process alive on its own.
          timer?.unref();
        });
      }
      while (forced.length > 0) yield forced.shift() as P;
      try {
        return await work;
      } finally {
        // The final state, whether the work succeeded or failed.
        yield snapshot();
      }
    },
  };
}
