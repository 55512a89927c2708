import type { BaseProgress } from "../operations/operation";

export type PushPhase = "checking" | "listing" | "comparing" | "hashing" | "uploading" | "committing" | "done";

/** One file the push sends: LFS files are counted as their bytes leave, regular ones when the commit carrying them lands. */
export interface PushFileProgress {
  path: string;
  size: number;
  done: number;
  lfs: boolean;
  /** "stored": the Hub already had it (a resumed push), nothing to send. */
  state: "waiting" | "uploading" | "stored" | "done";
}

export interface PushProgress extends BaseProgress {
  phase: PushPhase;
  unit: "bytes" | "steps";
  /** The files being sent (at most 200 listed), with their own progress. */
  files: PushFileProgress[];
  /** Over the current phase; null until it has run long enough to tell. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
}

const MAX_LISTED = 200;
const MIN_RATE_MS = 500;
const REPORT_MS = 100;

export interface PushProgressMeter {
  /** A phase measured in steps (no byte count): checking, listing, comparing, committing. */
  step(phase: PushPhase, detail?: string): void;
  /** A phase measured in bytes, from 0 to `total`. */
  bytes(phase: "hashing" | "uploading", total: number, detail?: string): void;
  add(bytes: number, path?: string | null): void;
  track(files: PushFileProgress[]): void;
  setFile(path: string, change: Partial<PushFileProgress>): void;
  /** Sends the current state now (phase ends), whatever the throttle says. */
  flush(): void;
}

/** Turns what the push does into progress snapshots, about ten a second, with speed and ETA over the current phase. */
export function createPushProgress(now: () => number, report: (progress: PushProgress) => void): PushProgressMeter {
  let phase: PushPhase = "checking";
  let unit: PushProgress["unit"] = "steps";
  let done = 0;
  let total = 1;
  let detail: string | undefined;
  let phaseStart = now();
  let lastReport = 0;
  const files = new Map<string, PushFileProgress>();

  const emit = (force: boolean) => {
    const t = now();
    if (!force && t - lastReport < REPORT_MS) return;
    lastReport = t;
    const elapsed = t - phaseStart;
    const rate = unit === "bytes" && elapsed >= MIN_RATE_MS && done > 0 ? (done / elapsed) * 1000 : null;
    report({
      phase,
      done,
      total,
      unit,
      ...(detail ? { detail } : {}),
      files: [...files.values()].slice(0, MAX_LISTED).map((f) => ({ ...f })),
      bytesPerSecond: rate,
      etaSeconds: rate ? Math.max(0, (total - done) / rate) : null,
    });
  };
  const start = (next: PushPhase, nextUnit: PushProgress["unit"], nextTotal: number, nextDetail?: string) => {
    phase = next;
    unit = nextUnit;
    done = 0;
    total = nextTotal;
    detail = nextDetail;
    phaseStart = now();
    emit(true);
  };

  return {
    step: (next, nextDetail) => start(next, "steps", 1, nextDetail),
    bytes: (next, nextTotal, nextDetail) => start(next, "bytes", nextTotal, nextDetail),
    add(bytes, path) {
      done = Math.min(total, done + bytes);
      const file = path ? files.get(path) : undefined;
      if (file) {
        file.done = Math.min(file.size, file.done + bytes);
        file.state = file.done >= file.size ? "done" : "uploading";
      }
      emit(done >= total);
    },
    track(list) {
      files.clear();
      for (const file of list) files.set(file.path, { ...file });
    },
    setFile(path, change) {
      const file = files.get(path);
      if (file) Object.assign(file, change);
    },
    flush: () => emit(true),
  };
}
