import { basename } from "node:path";
import { z } from "zod";
import { transformWeights, type TransformResult, type WeightProgress } from "../convert/transform-weights";
import type { WeightMode } from "../convert/weight-plan";
import { weightWorkerScript } from "../convert/weight-pool";
import { bitsSchema, dtypeSchema, groupSizeSchema, recipeSchema } from "../quantize/quant-options";
import { defineOperation, type BaseProgress } from "./operation";
import { progressStream } from "./progress-stream";

export const weightModeSchema: z.ZodType<WeightMode> = z.discriminatedUnion("mode", [
  z.object({
    mode: z.literal("quantize"),
    bits: bitsSchema,
    groupSize: groupSizeSchema,
    groupSizeGiven: groupSizeSchema.nullable(),
    recipe: recipeSchema.optional(),
    dtype: dtypeSchema.optional(),
  }),
  z.object({ mode: z.literal("dequantize"), dtype: dtypeSchema.optional() }),
  z.object({ mode: z.literal("dtype"), dtype: dtypeSchema }),
]);

export const convertWeightsInput = z.object({
  source: z.string().min(1),
  target: z.string().min(1),
  options: weightModeSchema,
  sourceName: z.string().max(300).optional(),
  skipHealth: z.boolean().optional(),
  /** Worker threads (default: every core). */
  workers: z.number().int().min(0).max(256).optional(),
});

export type ConvertWeightsProgress = BaseProgress &
  Pick<WeightProgress, "tensorsDone" | "tensorsTotal" | "bytesPerSecond" | "etaSeconds"> & { phase: WeightProgress["phase"]; unit: "bytes" };

const VERB = { quantize: "Quantize", dequantize: "Dequantize", dtype: "Change dtype of" } as const;

function describe(options: WeightMode): string {
  if (options.mode === "quantize") return ` to ${options.recipe ?? `${options.bits}-bit`}`;
  return options.dtype ? ` (${options.dtype})` : "";
}

/** Quantize, dequantize or change the dtype of a model into a new workspace. */
export const convertWeightsOperation = defineOperation({
  kind: "convert-weights",
  queue: "quantizations",
  input: convertWeightsInput,
  resumable: false,
  workspaceOf: (result: TransformResult) => result.target,
  title: (input) => `${VERB[input.options.mode]} ${input.sourceName ?? basename(input.source)}${describe(input.options)} → ${basename(input.target)}`,
  key: (input) => `workspace:${input.target}`,
  run: (input, deps) =>
    progressStream<ConvertWeightsProgress, TransformResult>((report) =>
      transformWeights({
        source: input.source,
        target: input.target,
        roots: { hubCache: deps.config.hubCache, hfHome: deps.config.hfHome },
        options: input.options,
        workerScript: weightWorkerScript(deps.config.projectRoot),
        skipHealth: input.skipHealth ?? false,
        signal: deps.signal,
        ...(input.workers !== undefined ? { workers: input.workers } : {}),
        onProgress: (p) =>
          report({
            phase: p.phase,
            done: p.bytesDone,
            total: Math.max(p.bytesTotal, 1),
            unit: "bytes",
            detail: `${p.tensorsDone}/${p.tensorsTotal} tensors`,
            tensorsDone: p.tensorsDone,
            tensorsTotal: p.tensorsTotal,
            bytesPerSecond: p.bytesPerSecond,
            etaSeconds: p.etaSeconds,
          }),
      }),
    ),
});
