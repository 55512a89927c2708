import { join } from "node:path";
import { z } from "zod";
import { planConversion, transformWeights } from "../../lib/convert/transform-weights";
import type { WeightMode } from "../../lib/convert/weight-plan";
import { weightWorkerScript } from "../../lib/convert/weight-pool";
import { resolveModel } from "../../lib/models/resolve-model";
import { bitsSchema, DEFAULT_GROUP_SIZE, dtypeSchema, groupSizeSchema, recipeSchema } from "../../lib/quantize/quant-options";
import type { QualityReport } from "../../lib/quantize/quality-report";
import { readSentinel } from "../../lib/workspace/sentinel";
import { startJob } from "../jobs/job-registry";
import { publicProcedure, router } from "../trpc/init";

/** A workspace folder name: the browser names workspaces, never arbitrary paths. */
const workspaceName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,127}$/, "Use letters, digits, '.', '_' and '-' (no slashes)");
const spec = z.string().min(1).max(500);

const weightOptions = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("quantize"),
    bits: bitsSchema,
    groupSize: groupSizeSchema.optional(),
    recipe: recipeSchema.optional(),
    dtype: dtypeSchema.optional(),
  }),
  z.object({ mode: z.literal("dequantize"), dtype: dtypeSchema.optional() }),
  z.object({ mode: z.literal("dtype"), dtype: dtypeSchema }),
]);

function toWeightMode(o: z.infer<typeof weightOptions>): WeightMode {
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

const TITLES = { quantize: "Quantize", dequantize: "Dequantize", dtype: "Change dtype of" } as const;

export const convertRouter = router({
  /** What a conversion would produce, from headers and config only: sizes, layers, warnings (or the refusal). */
  estimate: publicProcedure.input(z.object({ spec, options: weightOptions })).query(async ({ ctx, input }) => {
    const model = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const plan = await planConversion(model.path, toWeightMode(input.options));
    const quantized = plan.tasks.filter((t) => t.kind === "quantize");
    return {
      sourceBytes: plan.sourceBytes,
      outputBytes: plan.totalSize,
      tensors: plan.outputs.length,
      shards: plan.shards.length,
      quantizedLayers: quantized.length,
      bitsHistogram: Object.fromEntries(
        [...new Set(quantized.map((t) => (t.kind === "quantize" ? t.bits : 0)))].map((b) => [b, quantized.filter((t) => t.kind === "quantize" && t.bits === b).length]),
      ),
      bitsPerWeight: plan.totalParameters ? (plan.totalSize * 8) / plan.totalParameters : 0,
      castTo: plan.castTo,
      notDivisible: plan.notDivisible,
      warnings: plan.warnings,
    };
  }),

  /** Starts the conversion of a model into a new workspace as a job (progress over jobs.watch). */
  start: publicProcedure.input(z.object({ source: spec, name: workspaceName, options: weightOptions })).mutation(async ({ ctx, input }) => {
    const source = await resolveModel(input.source, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const target = join(ctx.config.workspaceRoot, input.name);
    const options = toWeightMode(input.options);
    const what = options.mode === "quantize" ? ` to ${options.recipe ?? `${options.bits}-bit`}` : options.dtype ? ` (${options.dtype})` : "";
    return startJob(options.mode, `convert:${target}`, `${TITLES[options.mode]} ${source.name}${what} → ${input.name}`, async ({ signal, report }) => {
      const result = await transformWeights({
        source: source.path,
        target,
        roots: { hubCache: ctx.config.hubCache, hfHome: ctx.config.hfHome },
        options,
        workerScript: weightWorkerScript(ctx.config.projectRoot),
        signal,
        onProgress: (p) =>
          report({
            phase: p.phase,
            done: p.bytesDone,
            total: Math.max(p.bytesTotal, 1),
            unit: "bytes",
            detail: `${p.tensorsDone}/${p.tensorsTotal} tensors`,
          }),
      });
      return {
        workspace: input.name,
        healthy: result.health?.healthy ?? null,
        reason: result.health?.reason ?? null,
        outputBytes: result.totalSize,
        bitsPerWeight: result.bitsPerWeight,
        seconds: result.seconds,
        warnings: result.warnings,
        quality: result.quality,
      };
    });
  }),

  /** The quality report a conversion stored in a workspace's sentinel, if any. */
  quality: publicProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const model = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const sentinel = await readSentinel(model.path);
    const quality = (sentinel?.quality ?? null) as QualityReport | null;
    const conversion = (sentinel?.conversion ?? null) as Record<string, unknown> | null;
    return quality ? { quality, conversion } : null;
  }),
});
