import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { WhetError } from "../errors";
import { modelFolder } from "../fs/model-folder";
import { readModelJson } from "../fs/read-json-object";
import { checkModel, type HealthReport } from "../health/check-model";
import { emptyErrorSums, mergeErrors, type ErrorSums } from "../quantize/quantization-error";
import { qualityReport, type QualityReport } from "../quantize/quality-report";
import { formatIndex, INDEX_FILE } from "../safetensors/index-file";
import { preallocateSafetensors } from "../safetensors/preallocate-safetensors";
import { updateSentinel } from "../workspace/sentinel";
import { copyModelFiles, listModelFiles } from "./copy-model-files";
import { outputConfig } from "./output-config";
import { checkConvertPaths, createTarget, markTargetComplete, type CacheRoots } from "./prepare-target";
import { readSourceWeights, weightFiles } from "./source-weights";
import { runWeightJobs } from "./weight-pool";
import { weightJobs, type Location } from "./weight-jobs";
import { planWeights, type WeightMode, type WeightPlan } from "./weight-plan";

export type WeightPhase = "checking" | "copying" | "writing" | "finishing" | "health-check";

export interface WeightProgress {
  phase: WeightPhase;
  tensorsDone: number;
  tensorsTotal: number;
  /** Source bytes processed so far, of `bytesTotal`. */
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
}

export interface TransformParams {
  source: string;
  target: string;
  roots: CacheRoots;
  options: WeightMode;
  /** The worker entry (see `weightWorkerScript`). */
  workerScript: string;
  /** Worker threads (default: every core; 0 = this thread). */
  workers?: number;
  skipHealth?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: WeightProgress) => void;
}

export interface TransformResult {
  source: string;
  target: string;
  mode: WeightMode["mode"];
  shards: string[];
  tensors: number;
  totalSize: number;
  totalParameters: number;
  /** Bits per weight as mlx-lm prints it: tensor bytes · 8 / parameters. */
  bitsPerWeight: number;
  quantization: { group_size: number; bits: number; mode: "affine"; recipe: string | null; layers: Record<string, { bits: number; group_size: number | null }> } | null;
  castTo: string | null;
  warnings: string[];
  notDivisible: string[];
  quality: QualityReport | null;
  health: HealthReport | null;
  seconds: number;
}

/** Reads the source's config and headers and plans the conversion: everything `planWeights` refuses is refused here, before any write. */
export async function planConversion(source: string, options: WeightMode): Promise<WeightPlan> {
  const { fact } = await readModelJson(await modelFolder(source), "config.json");
  if (fact.state === "missing") {
    throw new WhetError("config_missing", `${source} has no config.json`, "A model folder needs its config.json; run `whet health` on the source.");
  }
  if (fact.state === "invalid") {
    throw new WhetError("config_invalid", `config.json of ${source} ${fact.message}`, "Copy config.json again from the original model repository; `whet health` shows what is wrong.");
  }
  return planWeights({ tensors: await readSourceWeights(source), config: fact.value, options });
}

/**
 * `convert SRC DST --quantize/--dequantize/--dtype`: plans from headers and
 * config, creates the target with its sentinel first, copies every other file,
 * then streams the weights tensor slice by tensor slice through worker threads
 * into preallocated shards laid out as mlx-lm lays them out, writes the index
 * and config.json, checks the output's health and records the quality report
 * in the sentinel. The source is only read; a failure or a cancel removes
 * what was written.
 */
export async function transformWeights(params: TransformParams): Promise<TransformResult> {
  const started = Date.now();
  const { roots, options, signal, onProgress, skipHealth = false } = params;
  const paths = await checkConvertPaths(params.source, params.target, roots);
  const plan = await planConversion(paths.source, options);
  const tensorsTotal = plan.tasks.length;
  const bytesTotal = plan.sourceBytes;
  const report = (phase: WeightPhase, tensorsDone: number, bytesDone: number) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = bytesDone > 0 && seconds > 0 ? bytesDone / seconds : null;
    onProgress?.({ phase, tensorsDone, tensorsTotal, bytesDone, bytesTotal, bytesPerSecond: rate, etaSeconds: rate ? (bytesTotal - bytesDone) / rate : null });
  };
  report("checking", 0, 0);

  const cleanup = await createTarget(paths, options.mode, { conversion: conversionSummary(plan, options) });
  try {
    const weights = new Set(await weightFiles(paths.source));
    const others = (await listModelFiles(paths.source)).filter((f) => !weights.has(f) && f !== INDEX_FILE && f !== "config.json");
    report("copying", 0, 0);
    await copyModelFiles(paths.source, paths.target, others, signal);

    const where = new Map<string, Location>();
    const weightMap = new Map<string, string>();
    for (const shard of plan.shards) {
      const file = join(paths.target, shard.file);
      const offsets = await preallocateSafetensors(file, shard.tensors);
      for (const [name, offset] of offsets) {
        where.set(name, { file, offset });
        weightMap.set(name, shard.file);
      }
    }
    const jobs = weightJobs(plan.tasks, (name) => where.get(name) as Location);
    const remaining = plan.tasks.map(() => 0);
    for (const job of jobs) remaining[job.task] = (remaining[job.task] as number) + 1;
    const sums = plan.tasks.map(() => emptyErrorSums());
    let bytesDone = 0;
    let tensorsDone = 0;
    report("writing", 0, 0);
    await runWeightJobs(jobs, {
      workerScript: params.workerScript,
      ...(params.workers === undefined ? {} : { workers: params.workers }),
      ...(signal ? { signal } : {}),
      onDone: (job, jobSums) => {
        if (jobSums) mergeErrors(sums[job.task] as ErrorSums, jobSums);
        bytesDone += job.sourceBytes;
        remaining[job.task] = (remaining[job.task] as number) - 1;
        if (remaining[job.task] === 0) tensorsDone++;
        report("writing", tensorsDone, bytesDone);
      },
    });

    report("finishing", tensorsTotal, bytesTotal);
    await writeFile(join(paths.target, INDEX_FILE), formatIndex(weightMap, plan.totalSize, plan.totalParameters));
    await writeFile(
      join(paths.target, "config.json"),
      await outputConfig({ sourceDir: paths.source, quantization: plan.quantization, dequantize: options.mode === "dequantize" }),
    );

    const quantized = plan.tasks.flatMap((t, i) => (t.kind === "quantize" ? [{ module: t.module, bits: t.bits, groupSize: t.groupSize, sums: sums[i] as ErrorSums }] : []));
    const quality = quantized.length ? qualityReport(quantized) : null;
    await markTargetComplete(paths.target);
    let health: HealthReport | null = null;
    if (!skipHealth) {
      report("health-check", tensorsTotal, bytesTotal);
      health = await checkModel(paths.target);
    }
    const seconds = (Date.now() - started) / 1000;
    await updateSentinel(paths.target, {
      conversion: { ...conversionSummary(plan, options), seconds, total_size: plan.totalSize, total_parameters: plan.totalParameters },
      ...(quality ? { quality } : {}),
      ...(health ? { health: { status: health.healthy ? "healthy" : "unhealthy", reason: health.reason } } : {}),
    });
    return {
      source: paths.source,
      target: paths.target,
      mode: options.mode,
      shards: plan.shards.map((s) => s.file),
      tensors: plan.outputs.length,
      totalSize: plan.totalSize,
      totalParameters: plan.totalParameters,
      bitsPerWeight: plan.totalParameters ? (plan.totalSize * 8) / plan.totalParameters : 0,
      quantization: quantizationSummary(plan, options),
      castTo: plan.castTo,
      warnings: plan.warnings,
      notDivisible: plan.notDivisible,
      quality,
      health,
      seconds,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function quantizationSummary(plan: WeightPlan, options: WeightMode): TransformResult["quantization"] {
  if (!plan.quantization || options.mode !== "quantize") return null;
  return {
    ...plan.quantization.global,
    recipe: options.recipe ?? null,
    layers: Object.fromEntries(plan.quantization.layers.map(([path, c]) => [path, { bits: c.bits, group_size: c.entry?.group_size ?? null }])),
  };
}

function conversionSummary(plan: WeightPlan, options: WeightMode): Record<string, unknown> {
  return {
    mode: options.mode,
    ...(options.mode === "quantize"
      ? { bits: options.bits, group_size: options.groupSize, recipe: options.recipe ?? null, kernel: "mlx-cpu" }
      : {}),
    dtype: plan.castTo,
    quantized_tensors: plan.tasks.filter((t) => t.kind === "quantize").length,
    warnings: plan.warnings,
  };
}
