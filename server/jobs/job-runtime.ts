import { EventEmitter, on } from "node:events";
import { randomUUID } from "node:crypto";
import type { WhetConfig } from "../../lib/config";
import { toWhetError, WhetError } from "../../lib/errors";
import type { AnyOperation, BaseProgress, InputOf, OperationDeps, ProgressOf, QueueName, ResultOf, StartInputOf } from "../../lib/operations/operation";
import type { AppDatabase } from "../../lib/store/app-database";
import { updateSentinel } from "../../lib/workspace/sentinel";
import { openJobStore, type JobError, type JobState, type StoredJob } from "./job-store";

/** One job as pages and the CLI see it, typed by its operation. */
export interface JobView<Kind extends string = string, Input = unknown, Progress = unknown, Result = unknown>
  extends Omit<StoredJob, "kind" | "input" | "progress" | "result"> {
  kind: Kind;
  input: Input;
  progress: Progress | null;
  result: Result | null;
  /** Increases with every change, across restarts too; a reconnecting watcher resumes after it. */
  seq: number;
  /** 1 for the next job to start in its queue; null when not queued. */
  queuePosition: number | null;
  /** Units (bytes, files, steps) per second over the current run. */
  rate: number | null;
  /** Pause and resume are offered, and the job continues after a restart. */
  resumable: boolean;
}

export type Operations = Record<string, AnyOperation>;
export type JobOf<Ops extends Operations> = {
  [K in keyof Ops & string]: JobView<K, InputOf<Ops[K]>, ProgressOf<Ops[K]>, ResultOf<Ops[K]>>;
}[keyof Ops & string];

export const DEFAULT_CONCURRENCY: Record<QueueName, number> = { downloads: 2, conversions: 1, quantizations: 1, checks: 2, uploads: 1 };
const TERMINAL: readonly JobState[] = ["succeeded", "failed", "cancelled"];
const DAY_MS = 86_400_000;

export interface JobRuntimeOptions<Ops extends Operations> {
  db: AppDatabase;
  config: WhetConfig;
  operations: Ops;
  fetch?: typeof fetch;
  now?: () => number;
  concurrency?: Partial<Record<QueueName, number>>;
  /** Finished jobs older than this are forgotten (default 30 days). */
  retentionDays?: number;
  /** The configuration a job runs with, by its owner (each user's own Hub token in team mode); `config` when absent. */
  configFor?: (owner: string | null) => WhetConfig;
}

export interface JobRuntime<Ops extends Operations> {
  /** Queues a job, or returns the queued, running or paused job doing the same work (a paused one is resumed). */
  start<K extends keyof Ops & string>(kind: K, input: StartInputOf<Ops[K]>, options?: { owner?: string | null }): JobOf<Ops>;
  get(id: string): JobOf<Ops> | null;
  list(filter?: { kinds?: readonly string[]; states?: readonly JobState[]; limit?: number }): JobOf<Ops>[];
  /** The job's states after `afterSeq`: the current one first (if newer), then each change until it succeeds, fails or is cancelled. */
  watch(id: string, afterSeq: number, signal?: AbortSignal): AsyncGenerator<JobOf<Ops>>;
  cancel(id: string): Promise<JobOf<Ops>>;
  pause(id: string): JobOf<Ops>;
  /** Resumes a paused job, or runs an interrupted or failed one again. */
  resume(id: string): JobOf<Ops>;
  /** Resolves when no job is running or queued (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops running jobs as at shutdown: resumable ones are queued again for the next start, others marked interrupted. */
  close(): Promise<void>;
}

interface Run {
  controller: AbortController;
  finished: Promise<void>;
  startedAt: number;
  firstDone: number | null;
  lastPublished: number;
  lastSaved: number;
}

function notFound(id: string): WhetError {
  return new WhetError("job_not_found", `No job ${id}`, "It may have finished long ago and been pruned; see the Jobs page for the current list.");
}

/**
 * Runs operations as jobs: persisted in SQLite, one queue per kind of work
 * with its own concurrency, cancel / pause / resume, history across restarts.
 * At creation, jobs a previous process left running are recovered: resumable
 * ones are queued again, the others marked interrupted with their last progress.
 */
export function createJobRuntime<Ops extends Operations>(options: JobRuntimeOptions<Ops>): JobRuntime<Ops> {
  const { config, operations } = options;
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? fetch;
  const limits = { ...DEFAULT_CONCURRENCY, ...options.concurrency };
  const store = openJobStore(options.db);
  const bus = new EventEmitter().setMaxListeners(0);
  const jobs = new Map<string, StoredJob>();
  const seqs = new Map<string, number>();
  // Arrival order (several jobs can share a millisecond): queues run and count positions by it.
  const arrival = new Map<string, number>();
  let arrived = 0;
  const runs = new Map<string, Run>();
  // Sequence numbers start from the clock so they keep increasing across restarts.
  let seq = now() * 1000;
  let closing = false;

  const operation = (kind: string): AnyOperation => {
    const found = Object.hasOwn(operations, kind) ? operations[kind] : undefined;
    if (!found) throw new WhetError("unknown_operation", `Whetstone cannot run '${kind}' jobs`, "This job was made by another version of Whetstone.");
    return found;
  };
  const stamp = () => new Date(now()).toISOString();

  function queuePosition(job: StoredJob): number | null {
    if (job.state !== "queued") return null;
    const queue = operation(job.kind).queue;
    let position = 1;
    for (const other of jobs.values()) {
      if (other.state === "queued" && operation(other.kind).queue === queue && (arrival.get(other.id) ?? 0) < (arrival.get(job.id) ?? 0)) position++;
    }
    return position;
  }

  function view(job: StoredJob): JobOf<Ops> {
    const run = runs.get(job.id);
    const done = (job.progress as BaseProgress | null)?.done;
    const seconds = run ? (now() - run.startedAt) / 1000 : 0;
    const rate = run && run.firstDone !== null && done !== undefined && seconds > 0.5 ? (done - run.firstDone) / seconds : null;
    return {
      ...job,
      seq: seqs.get(job.id) ?? 0,
      queuePosition: queuePosition(job),
      rate,
      resumable: operation(job.kind).resumable,
    } as JobOf<Ops>;
  }

  function publish(job: StoredJob, persist: boolean): void {
    job.updatedAt = stamp();
    seqs.set(job.id, ++seq);
    if (persist) store.save(job);
    bus.emit(job.id, view(job));
    bus.emit("*");
  }

  function setState(job: StoredJob, state: JobState, changes: Partial<StoredJob> = {}): void {
    Object.assign(job, changes, { state });
    if (TERMINAL.includes(state) || state === "interrupted" || state === "paused") job.finishedAt = stamp();
    publish(job, true);
  }

  function onProgress(job: StoredJob, run: Run, progress: BaseProgress): void {
    const previous = job.progress as BaseProgress | null;
    job.progress = progress;
    run.firstDone ??= progress.done;
    const t = now();
    const finished = progress.total > 0 && progress.done >= progress.total;
    // About ten updates a second reach watchers; a new phase and the last step always do. The database gets one a second.
    if (t - run.lastPublished < 100 && previous?.phase === progress.phase && !finished) return;
    run.lastPublished = t;
    const persist = t - run.lastSaved >= 1000 || previous?.phase !== progress.phase;
    if (persist) run.lastSaved = t;
    publish(job, persist);
  }

  async function execute(job: StoredJob): Promise<void> {
    const op = operation(job.kind);
    const controller = new AbortController();
    const run: Run = { controller, finished: Promise.resolve(), startedAt: now(), firstDone: null, lastPublished: 0, lastSaved: 0 };
    runs.set(job.id, run);
    setState(job, "running", { runs: job.runs + 1, startedAt: job.startedAt ?? stamp(), finishedAt: null, error: null });
    const deps: OperationDeps = { config: options.configFor?.(job.owner) ?? config, fetch: fetchImpl, signal: controller.signal, now };
    try {
      const steps = op.run(op.input.parse(job.input), deps);
      for (;;) {
        const step = await steps.next();
        if (step.done) {
          runs.delete(job.id);
          if (job.owner && step.value) await recordCreator(op.workspaceOf?.(step.value) ?? null, job.owner);
          setState(job, "succeeded", { result: step.value ?? null });
          break;
        }
        onProgress(job, run, step.value);
      }
    } catch (thrown) {
      runs.delete(job.id);
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : null;
      if (reason === "pause") setState(job, "paused");
      else if (reason === "cancel") setState(job, "cancelled", { error: cancelledError(job) });
      else if (reason === "shutdown") setState(job, op.resumable ? "queued" : "interrupted", op.resumable ? {} : { error: interruptedError() });
      else {
        const error = toWhetError(thrown);
        setState(job, "failed", { error: { code: error.code, message: error.message, hint: error.hint } });
      }
    }
    pump();
  }

  function pump(): void {
    if (closing) return;
    const busy = new Map<QueueName, number>();
    for (const id of runs.keys()) {
      const job = jobs.get(id);
      if (job) busy.set(operation(job.kind).queue, (busy.get(operation(job.kind).queue) ?? 0) + 1);
    }
    const waiting = [...jobs.values()].filter((j) => j.state === "queued").sort((a, b) => (arrival.get(a.id) ?? 0) - (arrival.get(b.id) ?? 0));
    let started = false;
    for (const job of waiting) {
      const queue = operation(job.kind).queue;
      if ((busy.get(queue) ?? 0) >= limits[queue]) continue;
      busy.set(queue, (busy.get(queue) ?? 0) + 1);
      started = true;
      const run = execute(job);
      const entry = runs.get(job.id);
      if (entry) entry.finished = run;
    }
    // Queue positions moved for whoever is still waiting.
    if (started) for (const job of waiting) if (job.state === "queued") bus.emit(job.id, view(job));
  }

  function require(id: string): StoredJob {
    const job = jobs.get(id);
    if (!job) throw notFound(id);
    return job;
  }

  // Recovery: what a previous process left running is queued again or marked interrupted.
  store.prune(new Date(now() - (options.retentionDays ?? 30) * DAY_MS).toISOString());
  for (const job of store.all().reverse()) {
    jobs.set(job.id, job);
    arrival.set(job.id, ++arrived);
    seqs.set(job.id, ++seq);
    if (job.state === "running") {
      if (Object.hasOwn(operations, job.kind) && operation(job.kind).resumable) setState(job, "queued");
      else setState(job, "interrupted", { error: interruptedError() });
    }
  }
  queueMicrotask(pump);

  const runtime: JobRuntime<Ops> = {
    start(kind, input, startOptions = {}) {
      const op = operation(kind);
      const parsed = op.input.parse(input);
      const key = `${kind}:${op.key(parsed)}`;
      for (const job of jobs.values()) {
        if (job.key !== key) continue;
        if (job.state === "queued" || job.state === "running") return view(job);
        if (job.state === "paused") return runtime.resume(job.id);
      }
      const at = stamp();
      const job: StoredJob = {
        id: randomUUID(),
        kind,
        key,
        title: op.title(parsed),
        input: parsed,
        owner: startOptions.owner ?? null,
        state: "queued",
        progress: null,
        result: null,
        error: null,
        runs: 0,
        createdAt: at,
        startedAt: null,
        updatedAt: at,
        finishedAt: null,
      };
      jobs.set(job.id, job);
      arrival.set(job.id, ++arrived);
      store.insert(job);
      publish(job, false);
      pump();
      return view(job);
    },
    get(id) {
      const job = jobs.get(id);
      return job ? view(job) : null;
    },
    list(filter = {}) {
      const all = [...jobs.values()]
        .filter((j) => (!filter.kinds || filter.kinds.includes(j.kind)) && (!filter.states || filter.states.includes(j.state)))
        .sort((a, b) => (arrival.get(b.id) ?? 0) - (arrival.get(a.id) ?? 0));
      return all.slice(0, filter.limit ?? all.length).map(view);
    },
    async *watch(id, afterSeq, signal) {
      // Listen before reading the current state so no change falls in between.
      const updates = on(bus, id, signal ? { signal } : {}) as AsyncIterableIterator<[JobOf<Ops>]>;
      const current = jobs.get(id);
      if (!current) return;
      let last = afterSeq;
      const first = view(current);
      if (first.seq > last) {
        last = first.seq;
        yield first;
      }
      if (TERMINAL.includes(first.state)) return;
      try {
        for await (const [snapshot] of updates) {
          if (snapshot.seq <= last) continue;
          last = snapshot.seq;
          yield snapshot;
          if (TERMINAL.includes(snapshot.state)) return;
        }
      } catch (error) {
        if (!signal?.aborted) throw error;
      }
    },
    async cancel(id) {
      const job = require(id);
      const run = runs.get(id);
      if (run) {
        run.controller.abort("cancel");
        await run.finished;
      } else if (job.state === "queued" || job.state === "paused" || job.state === "interrupted" || job.state === "failed") {
        await operation(job.kind).discard?.(operation(job.kind).input.parse(job.input), config);
        setState(job, "cancelled", { error: cancelledError(job) });
      }
      return view(job);
    },
    pause(id) {
      const job = require(id);
      if (!operation(job.kind).resumable) {
        throw new WhetError("cannot_pause", `${job.title} cannot be paused`, "Cancel it instead, and start it again later.");
      }
      const run = runs.get(id);
      if (run) run.controller.abort("pause");
      else if (job.state === "queued") setState(job, "paused");
      return view(job);
    },
    resume(id) {
      const job = require(id);
      if (job.state === "paused" || job.state === "interrupted" || job.state === "failed") {
        setState(job, "queued", { error: null, finishedAt: null });
        pump();
      }
      return view(job);
    },
    idle() {
      return new Promise<void>((resolve) => {
        const check = () => {
          if (runs.size === 0 && ![...jobs.values()].some((j) => j.state === "queued")) {
            bus.off("*", check);
            resolve();
          }
        };
        bus.on("*", check);
        check();
      });
    },
    async close() {
      closing = true;
      const running = [...runs.values()];
      for (const run of running) run.controller.abort("shutdown");
      await Promise.all(running.map((r) => r.finished));
    },
  };
  return runtime;
}

/** A workspace a job created remembers who started the job: members change only their own. */
async function recordCreator(workspace: string | null, owner: string): Promise<void> {
  if (workspace) await updateSentinel(workspace, { created_by: owner }).catch(() => undefined);
}

function cancelledError(job: StoredJob): JobError {
  return { code: "cancelled", message: `${job.title} was cancelled.`, hint: "Start it again when you are ready." };
}

function interruptedError(): JobError {
  return {
    code: "interrupted",
    message: "Whetstone stopped while this job was running; its progress so far is shown.",
    hint: "Run it again: press Retry, or start the same command.",
  };
}
