import { z } from "zod";
import { checkHosts } from "../../lib/distributed/check-hosts";
import { clearClusterHostfile, loadClusterHostfile, saveClusterHostfile } from "../../lib/distributed/cluster-hostfile";
import { clusterOverview } from "../../lib/distributed/cluster-overview";
import { placementHostfile, placementSchema } from "../../lib/distributed/cluster-placement";
import { rankTargets, type RankTarget } from "../../lib/distributed/fetch-rank-shards";
import { WhetError } from "../../lib/errors";
import { isModelName } from "../../lib/models/model-name";
import { adminProcedure, router, viewerProcedure } from "../trpc/init";
import type { Context } from "../trpc/context";

/**
 * The per-rank copies a finished fetch-shards job made, for a start of the
 * same model on the same hosts: a job of another model or placement is
 * refused rather than loaded.
 */
function fetchedPaths(ctx: Context, id: string, model: string, targets: RankTarget[]): string[] {
  const job = ctx.services.jobs.get(id);
  if (job?.kind !== "fetch-shards") throw new WhetError("fetch_job_not_found", "No fetch of each rank's shards has that id", "Fetch the shards again on this page.", { field: "fetchJob" });
  if (job.state !== "succeeded" || !job.result) throw new WhetError("fetch_not_finished", `The fetch of ${job.input.repo}'s shards has not finished (it is ${job.state})`, "Wait until it succeeds, or retry it.", { field: "fetchJob" });
  if (job.result.repo !== model) throw new WhetError("fetched_other_model", `The shards were fetched for ${job.result.repo}, not ${model}`, `Start ${job.result.repo}, or fetch ${model}'s shards first.`, { field: "model" });
  if (JSON.stringify(job.result.targets) !== JSON.stringify(targets)) {
    throw new WhetError("fetched_other_hosts", `The shards were fetched for ${job.result.targets.length} ranks placed elsewhere`, "Place the group as it was when the shards were fetched, or fetch them again for this placement.", { field: "placement" });
  }
  return job.result.modelPaths;
}

const modelName = z.string().min(1).max(300).refine(isModelName, "Name a model (a workspace or org/name[@rev]), not a path");

export const clusterRouter = router({
  /** This machine, the saved hostfile, and every model on a group with each rank's memory: cheap to poll. */
  overview: viewerProcedure.query(async ({ ctx }) => clusterOverview(ctx.services.runners.list(), await loadClusterHostfile(ctx.config))),
  /** Saves a hostfile typed on the page or pasted from `mlx.distributed_config` (either JSON is accepted). */
  saveHostfile: adminProcedure.input(z.object({ text: z.string().min(1).max(256 * 1024) })).mutation(async ({ ctx, input }) => {
    const hostfile = await saveClusterHostfile(ctx.config, input.text);
    return { hosts: hostfile.hosts };
  }),
  clearHostfile: adminProcedure.mutation(async ({ ctx }) => {
    await clearClusterHostfile(ctx.config);
    return { cleared: true };
  }),
  /** Asks each host of the saved hostfile (ssh for the others) for its versions and memory. */
  checkHosts: adminProcedure.mutation(async ({ ctx }) => {
    const hostfile = await loadClusterHostfile(ctx.config);
    return checkHosts(hostfile ?? { hosts: [], envs: [] }, ctx.config);
  }),
  /**
   * Places a model on N local ranks or on the saved hostfile (after the plan
   * check) and starts loading it; with `fetchJob`, a pipeline whose ranks
   * load the copies that fetch-shards job made.
   */
  start: adminProcedure
    .input(
      z.object({
        model: modelName,
        placement: placementSchema,
        mode: z.enum(["auto", "tensor", "pipeline"]).default("auto"),
        fetchJob: z.string().uuid().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.fetchJob && input.mode === "tensor") {
        throw new WhetError("fetched_needs_pipeline", "Each rank holds only its stage's shards, which only a pipeline can run", "Choose pipeline parallel.", { field: "mode" });
      }
      const hostfile = await placementHostfile(ctx.config, input.placement);
      const base = "ranks" in input.placement ? { ranks: input.placement.ranks, mode: input.mode } : { hostfile, mode: input.mode };
      const group = input.fetchJob ? { ...base, mode: "pipeline" as const, rankModelPaths: fetchedPaths(ctx, input.fetchJob, input.model, rankTargets(hostfile.hosts, ctx.config.hubCache)) } : base;
      const { runner } = await ctx.services.runners.runnerFor(input.model, { group });
      runner.warm();
      return runner.status();
    }),
  /** Stops a model's runner (its whole group: no rank is left) and forgets where it was placed. */
  stop: adminProcedure.input(z.object({ model: modelName })).mutation(async ({ ctx, input }) => ({ stopped: await ctx.services.runners.stop(input.model) })),
});
