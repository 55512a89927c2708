import { tracked } from "@trpc/server";
import { z } from "zod";
import type { WeightMode } from "../../lib/convert/weight-plan";
import { placementHostfile, placementSchema } from "../../lib/distributed/cluster-placement";
import { rankTargets } from "../../lib/distributed/fetch-rank-shards";
import { WhetError } from "../../lib/errors";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { cleanPartials } from "../../lib/operations/pull";
import { stat } from "node:fs/promises";
import { REPAIR_MODES } from "../../lib/operations/repair";
import { branchSchema, repoIdSchema } from "../../lib/push/push-input";
import { resolveModel } from "../../lib/models/resolve-model";
import { wizardSource } from "../../lib/repair/wizard-source";
import { WORKSPACE_NAME, workspaceTarget } from "../../lib/workspace/workspace-target";
import { DEFAULT_GROUP_SIZE, bitsSchema, dtypeSchema, groupSizeSchema, recipeSchema } from "../../lib/quantize/quant-options";
import { JOB_STATES } from "../jobs/job-store";
import type { AppJob } from "../services";
import { memberProcedure, viewerProcedure, router } from "../trpc/init";
import type { Context } from "../trpc/context";

/** A workspace folder name: the browser names workspaces, never arbitrary paths. */
const workspaceName = z.string().regex(WORKSPACE_NAME, "Use letters, digits, '.', '_' and '-' for the workspace name (no slashes)");
const modelSpec = z.string().min(1).max(500);
const jobId = z.object({ id: z.string().uuid() });

/** What the Quantize panel sends; the group size the user did not choose stays unset, as mlx_lm.convert records it. */
export const weightOptions = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("quantize"), bits: bitsSchema, groupSize: groupSizeSchema.optional(), recipe: recipeSchema.optional(), dtype: dtypeSchema.optional() }),
  z.object({ mode: z.literal("dequantize"), dtype: dtypeSchema.optional() }),
  z.object({ mode: z.literal("dtype"), dtype: dtypeSchema }),
]);

export function toWeightMode(o: z.infer<typeof weightOptions>): WeightMode {
  if (o.mode !== "quantize") return o.mode === "dtype" ? o : { mode: "dequantize", ...(o.dtype ? { dtype: o.dtype } : {}) };
  return {
    mode: "quantize",
    bits: o.bits,
    groupSize: o.groupSize ?? DEFAULT_GROUP_SIZE,
    groupSizeGiven: o.groupSize ?? null,
    ...(o.recipe ? { recipe: o.recipe } : {}),
    ...(o.dtype ? { dtype: o.dtype } : {}),
  };
}

const repoSpec = z.string().min(3).max(300);
const patterns = z.array(z.string().min(1).max(512)).max(64).optional();

const startInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pull"), repo: repoSpec, include: patterns, exclude: patterns }),
  z.object({ kind: z.literal("clone"), repo: repoSpec, name: workspaceName }),
  z.object({ kind: z.literal("repair"), source: modelSpec, name: workspaceName, mode: z.enum(REPAIR_MODES).default("repair-index") }),
  z.object({ kind: z.literal("convert-weights"), source: modelSpec, name: workspaceName, options: weightOptions }),
  z.object({ kind: z.literal("verify-load"), spec: modelSpec }),
  /** Each rank of a pipeline group fetches its own shards: the hosts are this machine's ranks or the saved hostfile, never paths from the browser. */
  z.object({ kind: z.literal("fetch-shards"), repo: repoSpec, placement: placementSchema }),
  /** The repair wizard: `copyName` is the workspace a cache model is copied into first. */
  z.object({ kind: z.literal("fix"), spec: modelSpec, name: workspaceName, copyName: workspaceName.optional() }),
  z.object({
    kind: z.literal("push"),
    workspace: workspaceName,
    repo: repoIdSchema,
    branch: branchSchema.optional(),
    message: z.string().trim().min(1).max(1000).optional(),
    visibility: z.enum(["private", "public"]).default("private"),
    create: z.boolean().default(true),
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
  }),
]);

const roots = (ctx: Context) => ({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });

/** Browser names become operation inputs: models resolved in the workspace root and the HF cache, targets inside the workspace root. */
async function start(ctx: Context, input: z.infer<typeof startInput>): Promise<AppJob> {
  const { jobs } = ctx.services;
  switch (input.kind) {
    case "pull":
      parseRepoSpec(input.repo);
      return jobs.start("pull", { repo: input.repo, ...(input.include ? { include: input.include } : {}), ...(input.exclude ? { exclude: input.exclude } : {}) });
    case "clone":
      parseRepoSpec(input.repo);
      return jobs.start("clone", { repo: input.repo, target: workspaceTarget(input.name, ctx.config.workspaceRoot) });
    case "repair": {
      const source = await resolveModel(input.source, roots(ctx));
      return jobs.start("repair", { source: source.path, sourceName: source.name, target: workspaceTarget(input.name, ctx.config.workspaceRoot), mode: input.mode });
    }
    case "convert-weights": {
      const source = await resolveModel(input.source, roots(ctx));
      return jobs.start("convert-weights", {
        source: source.path,
        sourceName: source.name,
        target: workspaceTarget(input.name, ctx.config.workspaceRoot),
        options: toWeightMode(input.options),
      });
    }
    case "fix": {
      const model = await wizardSource(input.spec, roots(ctx));
      const copyTarget = workspaceTarget(input.copyName ?? `${input.name}-source`, ctx.config.workspaceRoot);
      return jobs.start("fix", {
        source: model.path,
        sourceName: model.name,
        target: workspaceTarget(input.name, ctx.config.workspaceRoot),
        ...(model.kind === "cache" ? { fromCache: { repoId: model.repoId, commit: model.commit, copyTarget } } : {}),
      });
    }
    case "verify-load": {
      const model = await resolveModel(input.spec, roots(ctx));
      return jobs.start("verify-load", { path: model.path, name: model.name });
    }
    case "fetch-shards": {
      parseRepoSpec(input.repo);
      const hostfile = await placementHostfile(ctx.config, input.placement);
      return jobs.start("fetch-shards", { repo: input.repo, targets: rankTargets(hostfile.hosts, ctx.config.hubCache) });
    }
    case "push": {
      // A workspace by name, inside the workspace root: the browser never names a folder.
      const workspace = workspaceTarget(input.workspace, ctx.config.workspaceRoot);
      if (!(await stat(workspace).catch(() => null))?.isDirectory()) {
        throw new WhetError("workspace_not_found", `No workspace named ${input.workspace}`, "Pick a workspace from the Workspaces page.");
      }
      return jobs.start("push", {
        workspace,
        repo: input.repo,
        ...(input.branch ? { branch: input.branch } : {}),
        ...(input.message ? { message: input.message } : {}),
        public: input.visibility === "public",
        create: input.create,
        dryRun: input.dryRun,
        force: input.force,
      });
    }
  }
}

/** Long work as jobs: start, list, watch (resumable), cancel, pause, resume. */
export const operationsRouter = router({
  start: memberProcedure.input(startInput).mutation(({ ctx, input }) => start(ctx, input)),
  list: viewerProcedure
    .input(z.object({ kinds: z.array(z.string().max(40)).max(10).optional(), states: z.array(z.enum(JOB_STATES)).optional(), limit: z.number().int().min(1).max(500).optional() }).optional())
    .query(({ ctx, input }) => ctx.services.jobs.list(input ?? {})),
  get: viewerProcedure.input(jobId).query(({ ctx, input }) => ctx.services.jobs.get(input.id)),
  cancel: memberProcedure.input(jobId).mutation(({ ctx, input }) => ctx.services.jobs.cancel(input.id)),
  pause: memberProcedure.input(jobId).mutation(({ ctx, input }) => ctx.services.jobs.pause(input.id)),
  resume: memberProcedure.input(jobId).mutation(({ ctx, input }) => ctx.services.jobs.resume(input.id)),
  /** Removes partial downloads in the HF cache that no queued, running or paused pull will resume. */
  cleanPartials: memberProcedure.mutation(({ ctx }) => {
    const active = ctx.services.jobs.list({ kinds: ["pull"], states: ["queued", "running", "paused"] });
    if (active.length > 0) {
      throw new WhetError("downloads_active", `${active.length} pull${active.length === 1 ? " is" : "s are"} not finished; their partial files are kept for them`, "Cancel those pulls first, or wait until they end.");
    }
    return cleanPartials(ctx.config.hubCache);
  }),
  /** Every state of a job until it ends; a reconnecting browser resumes after the last state it saw. */
  watch: viewerProcedure.input(jobId.extend({ lastEventId: z.string().nullish() })).subscription(async function* ({ ctx, input, signal }) {
    const after = Number(input.lastEventId ?? 0);
    for await (const job of ctx.services.jobs.watch(input.id, Number.isFinite(after) ? after : 0, signal)) {
      yield tracked(String(job.seq), job);
    }
  }),
});
