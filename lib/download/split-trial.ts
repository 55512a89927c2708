/**
 * Whether a file should be fetched over more connections than one. More
 * connections on the same files pay where each connection is capped (a
 * CDN's per-connection rate) and cost where the machine is the limit (the
 * CPU or the disk): parts written ahead are hashed only once the part before
 * them lands, and writers of one file contend for it. So it is tried once:
 * one part is split, and splitting goes on only if the total rate rose by at
 * least half of what one more connection would add.
 */
export interface SplitTrial {
  /** Bytes received so far, over all connections (sampled to measure the rate). */
  sample(now: number, totalBytes: number): void;
  /** Whether an idle connection may take a share of a running part now; `running` is how many parts are being fetched. */
  maySplit(now: number, running: number): boolean;
  /** A part was split (call after maySplit said yes). */
  split(now: number, running: number): void;
}

/** The rate before a trial is measured over this long; the trial's rate from SETTLE_MS after it for as long again. */
const WINDOW_MS = 1000;
const SETTLE_MS = 500;

export function splitTrial(): SplitTrial {
  const samples: [number, number][] = [];
  let state: "untried" | "trying" | "helps" | "useless" = "untried";
  let trialAt = 0;
  let before = 0;
  let runningBefore = 1;

  /** Bytes per ms from `from` to the newest sample; null without samples spanning at least `span` ms. */
  const rateSince = (from: number, span: number): number | null => {
    const newest = samples.at(-1);
    const first = samples.find(([t]) => t >= from);
    if (!newest || !first || newest[0] - first[0] < span) return null;
    return (newest[1] - first[1]) / (newest[0] - first[0]);
  };

  return {
    sample(now, totalBytes) {
      samples.push([now, totalBytes]);
      // Only the last few windows are ever read.
      while (samples.length > 2 && (samples[0] as [number, number])[0] < now - 4 * WINDOW_MS) samples.shift();
    },
    maySplit(now, running) {
      if (state === "helps") return true;
      if (state === "useless") return false;
      if (state === "untried") return running > 0 && rateSince(now - WINDOW_MS, WINDOW_MS * 0.9) !== null;
      if (now - trialAt < SETTLE_MS + WINDOW_MS) return false;
      const after = rateSince(trialAt + SETTLE_MS, WINDOW_MS * 0.9);
      if (after === null) return false;
      state = after >= before * (1 + 0.5 / runningBefore) ? "helps" : "useless";
      return state === "helps";
    },
    split(now, running) {
      if (state !== "untried") return;
      before = rateSince(now - WINDOW_MS, 0) ?? 0;
      runningBefore = Math.max(1, running);
      trialAt = now;
      state = "trying";
    },
  };
}
