import { tracked } from "@trpc/server";
import { join } from "node:path";
import { z } from "zod";
import type { WeightMode } from "../../lib/convert/weight-plan";
import { REPAIR_MODES } from "../../lib/operations/repair";
import { resolveModel } from "../../lib/models/resolve-model";
import { DEFAULT_GROUP_SIZE, bitsSchema, dtypeSchema, groupSizeSchema, recipeSchema } from "../../lib/quantize/quant-options";
import { JOB_STATES } from "../jobs/job-store";
import type { AppJob } from "../services";
import { memberProcedure, viewerProcedure, router } from "../trpc/init";
import type { Context } from "../trpc/context";

/** A workspace folder name: the browser names workspaces, never arbitrary paths. */
const workspaceName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,127}$/, "Use letters, digits, '.', '_' and '-' for the workspace name (no slashes)");
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

const startInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("repair"), source: modelSpec, name: workspaceName, mode: z.enum(REPAIR_MODES).default("repair-index") }),
  z.object({ kind: z.literal("convert-weights"), source: modelSpec, name: workspaceName, options: weightOptions }),
  z.object({ kind: z.literal("verify-load"), spec: modelSpec }),
]);

const roots = (ctx: Context) => ({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });

/** Browser names become operation inputs: models resolved in the workspace root and the HF cache, targets inside the workspace root. */
async function start(ctx: Context, input: z.infer<typeof startInput>): Promise<AppJob> {
  const { jobs } = ctx.services;
  switch (input.kind) {
    case "repair": {
      const source = await resolveModel(input.source, roots(ctx));
      return jobs.start("repair", { source: source.path, sourceName: source.name, target: join(ctx.config.workspaceRoot, input.name), mode: input.mode });
    }
    case "convert-weights": {
      const source = await resolveModel(input.source, roots(ctx));
      return jobs.start("convert-weights", {
        source: source.path,
        sourceName: source.name,
        target: join(ctx.config.workspaceRoot, input.name),
        options: toWeightMode(input.options),
      });
    }
    case "verify-load": {
      const model = await resolveModel(input.spec, roots(ctx));
      return jobs.start("verify-load", { path: model.path, name: model.name });
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
  /** Every state of a job until it ends; a reconnecting browser resumes after the last state it saw. */
  watch: viewerProcedure.input(jobId.extend({ lastEventId: z.string().nullish() })).subscription(async function* ({ ctx, input, signal }) {
    const after = Number(input.lastEventId ?? 0);
    for await (const job of ctx.services.jobs.watch(input.id, Number.isFinite(after) ? after : 0, signal)) {
      yield tracked(String(job.seq), job);
    }
  }),
});
