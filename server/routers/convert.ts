import { z } from "zod";
import { planConversion } from "../../lib/convert/transform-weights";
import { resolveModel } from "../../lib/models/resolve-model";
import type { QualityReport } from "../../lib/quantize/quality-report";
import { readSentinel } from "../../lib/workspace/sentinel";
import { toWeightMode, weightOptions } from "./operations";
import { viewerProcedure, router } from "../trpc/init";

const spec = z.string().min(1).max(500);

export const convertRouter = router({
  /** What a conversion would produce, from headers and config only: sizes, layers, warnings (or the refusal). */
  estimate: viewerProcedure.input(z.object({ spec, options: weightOptions })).query(async ({ ctx, input }) => {
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

  /** The quality report a conversion stored in a workspace's sentinel, if any. */
  quality: viewerProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const model = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const sentinel = await readSentinel(model.path);
    const quality = (sentinel?.quality ?? null) as QualityReport | null;
    const conversion = (sentinel?.conversion ?? null) as Record<string, unknown> | null;
    return quality ? { quality, conversion } : null;
  }),
});
