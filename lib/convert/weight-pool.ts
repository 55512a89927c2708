import { availableParallelism } from "node:os";
import { join } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { WhetError } from "../errors";
import type { ErrorSums } from "../quantize/quantization-error";
import { conversionCancelled, createJobContext, runWeightJob } from "./run-weight-job";
import type { WeightJob } from "./weight-jobs";
import type { WorkerReply, WorkerRequest } from "./weight-worker";

export interface PoolOptions {
  /** Worker threads; 0 runs the jobs on this thread (still chunked, still cancellable between jobs). */
  workers?: number;
  /** The worker entry (`lib/convert/weight-worker.mjs`); found from the project root by `weightWorkerScript`. */
  workerScript: string;
  signal?: AbortSignal;
  onDone: (job: WeightJob, sums: ErrorSums | null) => void;
}

/** Where the worker entry lives; the project root (config.projectRoot) works under the CLI, the server and tests alike. */
export function weightWorkerScript(projectRoot: string): string {
  return join(projectRoot, "lib", "convert", "weight-worker.mjs");
}

export function defaultWorkerCount(jobs: number): number {
  return Math.max(1, Math.min(availableParallelism(), jobs));
}

async function runInline(jobs: readonly WeightJob[], options: PoolOptions): Promise<void> {
  const ctx = createJobContext();
  try {
    for (const job of jobs) {
      if (options.signal?.aborted) throw conversionCancelled();
      options.onDone(job, runWeightJob(job, ctx));
      ctx.close();
      await yieldToLoop();
    }
  } finally {
    ctx.close();
  }
}

/**
 * Runs all jobs, one per worker at a time, over `workers` threads (all cores
 * by default): each worker reads its slices from the source and writes its
 * results into the preallocated outputs itself, so only job descriptions and
 * error sums cross threads. Memory stays at one chunk per worker. The first
 * failure or an abort raises a flag shared with every worker, which ends its
 * job at the next chunk and closes its files; the promise settles once all
 * workers have exited.
 */
export async function runWeightJobs(jobs: readonly WeightJob[], options: PoolOptions): Promise<void> {
  const count = options.workers ?? defaultWorkerCount(jobs.length);
  if (count === 0 || jobs.length === 0) return runInline(jobs, options);
  if (options.signal?.aborted) throw conversionCancelled();
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  const workers: Worker[] = [];
  let finished = 0;
  let failure: WhetError | null = null;
  let stopping = false;

  const exited = new Promise<void>((resolveAll) => {
    let alive = 0;
    const stop = (error: WhetError | null) => {
      if (stopping) return;
      stopping = true;
      failure = error;
      Atomics.store(stopFlag, 0, error ? 1 : 0);
      options.signal?.removeEventListener("abort", onAbort);
      for (const w of workers) w.postMessage({ type: "close" } satisfies WorkerRequest);
    };
    const onAbort = () => stop(conversionCancelled());
    options.signal?.addEventListener("abort", onAbort);
    // Each worker walks its own contiguous run of jobs, so it reads its part of the
    // sources front to back and the kernel's read-ahead keeps ahead of it; one whose
    // run is done takes jobs from the end of the longest run left.
    const runs = Array.from({ length: count }, (_, i) => ({
      next: Math.floor((i * jobs.length) / count),
      end: Math.floor(((i + 1) * jobs.length) / count),
    }));
    const feed = (worker: Worker, index: number) => {
      const own = runs[index] as { next: number; end: number };
      let id: number;
      if (own.next < own.end) id = own.next++;
      else {
        const longest = runs.reduce((a, b) => (b.end - b.next > a.end - a.next ? b : a));
        if (longest.next >= longest.end) return;
        id = --longest.end;
      }
      worker.postMessage({ type: "job", id, job: jobs[id] as WeightJob } satisfies WorkerRequest);
    };
    for (let index = 0; index < Math.min(count, jobs.length); index++) {
      const worker = new Worker(options.workerScript, { workerData: { stop: stopFlag } });
      workers.push(worker);
      alive++;
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "failed") {
          if (!stopping) stop(new WhetError(reply.error.code, reply.error.message, reply.error.hint, reply.error.details));
          return;
        }
        if (stopping) return;
        options.onDone(jobs[reply.id] as WeightJob, reply.sums);
        finished++;
        if (finished === jobs.length) stop(null);
        else feed(worker, index);
      });
      worker.on("error", (error) =>
        stop(new WhetError("worker_failed", `A conversion worker failed: ${error.message}`, "This is a bug in Whetstone; please report it with the command you ran.")),
      );
      worker.on("exit", (code) => {
        if (code !== 0 && !stopping) stop(new WhetError("worker_failed", `A conversion worker exited with code ${code}`, "Out of memory? Try again with fewer workers."));
        if (--alive === 0) resolveAll();
      });
      feed(worker, index);
    }
  });
  await exited;
  if (failure) throw failure;
}
