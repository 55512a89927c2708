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
const SAMPLE_GAP_MS = 50;

export function splitTrial(): SplitTrial {
  const samples: [number, number][] = [];
  let state: "untried" | "trying" | "helps" | "useless" = "untried";
  let trialAt = 0;
  let before = 0;
  let runningBefore = 1;

  /** Bytes per ms between two samples; null when they are less than `span` ms apart. */
  const rate = (first: [number, number] | undefined, last: [number, number] | undefined, span: number): number | null =>
    first && last && last[0] - first[0] >= span && last[0] > first[0] ? (last[1] - first[1]) / (last[0] - first[0]) : null;
  /** The rate over the newest WINDOW_MS or a little more (samples come when they come); null before there is that much. */
  const recentRate = (): number | null => {
    const newest = samples.at(-1);
    if (!newest) return null;
    return rate(samples.findLast(([t]) => t <= newest[0] - WINDOW_MS), newest, WINDOW_MS);
  };

  return {
    sample(now, totalBytes) {
      // Every idle connection samples on its tick: one sample per moment is enough.
      const newest = samples.at(-1);
      if (newest && now - newest[0] < SAMPLE_GAP_MS) return;
      samples.push([now, totalBytes]);
      // Only the last few windows are ever read.
      while (samples.length > 2 && (samples[0] as [number, number])[0] < now - 4 * WINDOW_MS) samples.shift();
    },
    maySplit(now, running) {
      if (state === "helps") return true;
      if (state === "useless") return false;
      if (state === "untried") return running > 0 && recentRate() !== null;
      if (now - trialAt < SETTLE_MS + WINDOW_MS) return false;
      const after = rate(samples.find(([t]) => t >= trialAt + SETTLE_MS), samples.at(-1), WINDOW_MS * 0.9);
      if (after === null) return false;
      state = after >= before * (1 + 0.5 / runningBefore) ? "helps" : "useless";
      return state === "helps";
    },
    split(now, running) {
      if (state !== "untried") return;
      before = recentRate() ?? 0;
      runningBefore = Math.max(1, running);
      trialAt = now;
      state = "trying";
    },
  };
}
