import { parentPort, workerData } from "node:worker_threads";
import { toWhetError } from "../errors";
import { createJobContext, runWeightJob } from "./run-weight-job";
import type { WeightJob } from "./weight-jobs";

/**
 * Worker-thread side of the weight pool: runs one job at a time as the main
 * thread sends them, and answers with its error sums or a WhetError's fields.
 * A stop flag shared with the pool (`workerData.stop`) ends a job at its next
 * chunk; the worker then closes its files and exits when told to, so a
 * cancelled output is never held open (it would keep its disk space after
 * being deleted).
 */
export type WorkerRequest = { type: "job"; id: number; job: WeightJob } | { type: "close" };
export type WorkerReply =
  | { type: "done"; id: number; sums: ReturnType<typeof runWeightJob> }
  | { type: "failed"; id: number; error: { code: string; message: string; hint: string; details: Record<string, unknown> } };

const port = parentPort;
if (port) {
  const ctx = createJobContext((workerData as { stop: Int32Array }).stop);
  port.on("message", (request: WorkerRequest) => {
    if (request.type === "close") {
      ctx.close();
      port.close();
      return;
    }
    let reply: WorkerReply;
    try {
      reply = { type: "done", id: request.id, sums: runWeightJob(request.job, ctx) };
    } catch (error) {
      const whet = toWhetError(error);
      reply = { type: "failed", id: request.id, error: { code: whet.code, message: whet.message, hint: whet.hint, details: whet.details } };
    }
    // Descriptors are per job: a worker stopped between jobs holds none open.
    ctx.close();
    port.postMessage(reply);
  });
}
