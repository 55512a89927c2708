import { z } from "zod";
import { checkHosts } from "../../lib/distributed/check-hosts";
import { clearClusterHostfile, loadClusterHostfile, saveClusterHostfile } from "../../lib/distributed/cluster-hostfile";
import { clusterOverview } from "../../lib/distributed/cluster-overview";
import { MAX_HOSTS } from "../../lib/distributed/hostfile";
import { WhetError } from "../../lib/errors";
import { isModelName } from "../../lib/models/model-name";
import { adminProcedure, router, viewerProcedure } from "../trpc/init";

const modelName = z.string().min(1).max(300).refine(isModelName, "Name a model (a workspace or org/name[@rev]), not a path");

// Start and stop change what the machines run for everyone: they must become admin-only
// procedures once the auth branch lands (see the report of the `distributed` branch).
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
  /** Places a model on N local ranks or on the saved hostfile (after the plan check) and starts loading it. */
  start: adminProcedure
    .input(
      z.object({
        model: modelName,
        placement: z.union([z.object({ ranks: z.number().int().min(2).max(MAX_HOSTS) }), z.object({ hostfile: z.literal(true) })]),
        mode: z.enum(["auto", "tensor", "pipeline"]).default("auto"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      let group;
      if ("ranks" in input.placement) group = { ranks: input.placement.ranks, mode: input.mode };
      else {
        const hostfile = await loadClusterHostfile(ctx.config);
        if (!hostfile) throw new WhetError("hostfile_missing", "No hostfile is saved", "Save one on this page first (or start on local ranks).");
        group = { hostfile, mode: input.mode };
      }
      const { runner } = await ctx.services.runners.runnerFor(input.model, { group });
      runner.warm();
      return runner.status();
    }),
  /** Stops a model's runner (its whole group: no rank is left) and forgets where it was placed. */
  stop: adminProcedure.input(z.object({ model: modelName })).mutation(async ({ ctx, input }) => ({ stopped: await ctx.services.runners.stop(input.model) })),
});
