import { WhetError } from "../../lib/errors";
import type { AppJob } from "../../server/services";
import type { RemoteContext } from "../command";
import { progressLine } from "../run-operation";

type JobOfKind<K extends AppJob["kind"]> = Extract<AppJob, { kind: K }>;

/**
 * Follows a job started on a remote Whetstone (`operations.watch`) to its
 * end, drawing its progress with the same renderer as the local command, and
 * hands back its result. Ctrl-C stops following; the job keeps running there.
 */
export async function followJob<K extends AppJob["kind"]>(
  ctx: RemoteContext,
  started: JobOfKind<K>,
  render: (progress: NonNullable<JobOfKind<K>["progress"]>) => string,
): Promise<NonNullable<JobOfKind<K>["result"]>> {
  const show = progressLine(ctx, render);
  const where = ctx.target.label;
  let stopFollowing: () => void = () => undefined;
  const release = ctx.onInterrupt?.(() => stopFollowing()) ?? (() => undefined);
  const final = await new Promise<AppJob>((resolve, reject) => {
    let last: AppJob = started;
    const subscription = ctx.client.operations.watch.subscribe(
      { id: started.id },
      {
        onData: ({ data: job }) => {
          last = job;
          if (job.state === "queued") ctx.progress(`queued on ${where}${job.queuePosition ? ` (position ${job.queuePosition})` : ""}`);
          else if (job.progress) show(job.progress as NonNullable<JobOfKind<K>["progress"]>);
          if (job.state !== "queued" && job.state !== "running") {
            subscription.unsubscribe();
            resolve(job);
          }
        },
        onError: reject,
        onComplete: () => resolve(last),
      },
    );
    stopFollowing = () => {
      subscription.unsubscribe();
      reject(
        new WhetError("interrupted", `Stopped following job ${started.id}; it keeps running on ${where}`, `Follow it with \`whet --remote ${where} jobs\` or on ${where}'s Jobs page, where it can be cancelled.`, { job_id: started.id }),
      );
    };
  }).finally(() => {
    release();
    ctx.progress("");
  });
  if (final.state === "succeeded" && final.result) return final.result as NonNullable<JobOfKind<K>["result"]>;
  if (final.state === "failed" && final.error) throw new WhetError(final.error.code, final.error.message, final.error.hint, { job_id: final.id });
  throw new WhetError(
    final.state === "cancelled" ? "cancelled" : "interrupted",
    `Job ${final.id} (${final.title}) was ${final.state} on ${where}`,
    final.state === "cancelled" ? "Start it again with the same command." : `Resume it on ${where}'s Jobs page.`,
    { job_id: final.id },
  );
}
