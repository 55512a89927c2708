import { EventEmitter, on } from "node:events";
import { randomUUID } from "node:crypto";
import { toWhetError } from "../../lib/errors";

export type JobKind = "clone" | "repair" | "verify-load" | "quantize" | "dequantize" | "dtype";
export type JobStatus = "running" | "succeeded" | "failed" | "cancelled";

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
  unit: "bytes" | "files" | "steps";
  detail?: string;
}

export interface JobSnapshot {
  id: string;
  kind: JobKind;
  title: string;
  /** Jobs with the same key share one run (a second "clone X into Y" attaches to the first). */
  key: string;
  status: JobStatus;
  /** Increases with every change; subscriptions resume from it after a reconnect. */
  seq: number;
  progress: JobProgress | null;
  /** Bytes or files per second over the run so far. */
  rate: number | null;
  result: unknown;
  error: { code: string; message: string; hint: string } | null;
  startedAt: string;
  updatedAt: string;
}

interface JobEntry {
  snapshot: JobSnapshot;
  controller: AbortController;
}

interface Registry {
  jobs: Map<string, JobEntry>;
  bus: EventEmitter;
}

// Kept on globalThis so a module reload in `next dev` does not lose running jobs.
const holder = globalThis as typeof globalThis & { __whetJobs?: Registry };
function registry(): Registry {
  holder.__whetJobs ??= { jobs: new Map(), bus: new EventEmitter().setMaxListeners(0) };
  return holder.__whetJobs;
}

function publish(entry: JobEntry, changes: Partial<JobSnapshot>): void {
  const now = new Date();
  const started = new Date(entry.snapshot.startedAt).getTime();
  const progress = changes.progress ?? entry.snapshot.progress;
  const seconds = (now.getTime() - started) / 1000;
  entry.snapshot = {
    ...entry.snapshot,
    ...changes,
    rate: progress && seconds > 0.5 ? progress.done / seconds : entry.snapshot.rate,
    seq: entry.snapshot.seq + 1,
    updatedAt: now.toISOString(),
  };
  registry().bus.emit(entry.snapshot.id, entry.snapshot);
}

export interface JobContext {
  signal: AbortSignal;
  report: (progress: JobProgress) => void;
}

/** Starts `run` as a job, or returns the running job with the same key. */
export function startJob(kind: JobKind, key: string, title: string, run: (ctx: JobContext) => Promise<unknown>): JobSnapshot {
  const { jobs } = registry();
  for (const entry of jobs.values()) {
    if (entry.snapshot.key === key && entry.snapshot.status === "running") return entry.snapshot;
  }
  const now = new Date().toISOString();
  const entry: JobEntry = {
    controller: new AbortController(),
    snapshot: { id: randomUUID(), kind, key, title, status: "running", seq: 0, progress: null, rate: null, result: null, error: null, startedAt: now, updatedAt: now },
  };
  jobs.set(entry.snapshot.id, entry);
  let lastReport = 0;
  const report = (progress: JobProgress) => {
    const t = Date.now();
    // At most ~10 updates a second reach the browser; the final state always does.
    if (t - lastReport < 100 && progress.done < progress.total) return;
    lastReport = t;
    publish(entry, { progress });
  };
  void run({ signal: entry.controller.signal, report }).then(
    (result) => publish(entry, { status: "succeeded", result }),
    (error: unknown) => {
      const whet = toWhetError(error);
      const cancelled = entry.controller.signal.aborted;
      publish(entry, { status: cancelled ? "cancelled" : "failed", error: { code: whet.code, message: whet.message, hint: whet.hint } });
    },
  );
  return entry.snapshot;
}

export function getJob(id: string): JobSnapshot | null {
  return registry().jobs.get(id)?.snapshot ?? null;
}

export function listJobs(): JobSnapshot[] {
  return [...registry().jobs.values()].map((e) => e.snapshot).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function cancelJob(id: string): JobSnapshot | null {
  const entry = registry().jobs.get(id);
  if (entry?.snapshot.status === "running") entry.controller.abort();
  return entry?.snapshot ?? null;
}

/**
 * The job's states from `afterSeq` on: the current one first (if newer), then
 * every change until the job ends or `signal` aborts.
 */
export async function* watchJob(id: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<JobSnapshot> {
  const { bus, jobs } = registry();
  // Listen before reading the current state so no change falls in between.
  const updates = on(bus, id, signal ? { signal } : {});
  const current = jobs.get(id)?.snapshot;
  if (!current) return;
  let last = afterSeq;
  if (current.seq > last) {
    last = current.seq;
    yield current;
  }
  if (current.status !== "running") return;
  try {
    for await (const [snapshot] of updates as AsyncIterable<[JobSnapshot]>) {
      if (snapshot.seq <= last) continue;
      last = snapshot.seq;
      yield snapshot;
      if (snapshot.status !== "running") return;
    }
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}
