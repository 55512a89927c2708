import { WhetError } from "../errors";
import { assertConfigNumbers } from "../health/config-numbers";
import { isFloatTensorDtype, type FloatTensorDtype } from "../tensor/float-arrays";
import type { Dtype } from "../safetensors/dtypes";
import { chooseLayers, type LayerChoice, type ModuleInfo } from "../quantize/layer-quantization";
import { assertConvertible, modelRules } from "../quantize/model-rules";
import { MODEL_DTYPES, TENSOR_DTYPE, type MixedRecipe, type ModelDtype } from "../quantize/quant-options";
import { findQuantizedModules, type QuantizedModule } from "../quantize/source-quantization";
import { makeShards, type ShardPlan } from "./make-shards";
import { parameterOrder } from "./parameter-order";
import type { SourceTensor } from "./source-weights";
import { totalParameters } from "./total-parameters";

export type WeightMode =
  | { mode: "quantize"; bits: number; groupSize: number; groupSizeGiven: number | null; recipe?: MixedRecipe; dtype?: ModelDtype }
  | { mode: "dequantize"; dtype?: ModelDtype }
  | { mode: "dtype"; dtype: ModelDtype };

export interface OutputTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  bytes: number;
}

/** One unit of work: what produces one output tensor, or the three of a quantized module. */
export type WeightTask =
  | { kind: "copy"; source: SourceTensor; output: OutputTensor }
  | { kind: "cast"; source: SourceTensor; output: OutputTensor & { dtype: FloatTensorDtype } }
  | {
      kind: "quantize";
      module: string;
      /** A float weight, or an already quantized module that is dequantized first. */
      source: SourceTensor | QuantizedModule;
      modelDtype: FloatTensorDtype;
      bits: number;
      groupSize: number;
      outputs: { weight: OutputTensor; scales: OutputTensor; biases: OutputTensor };
    }
  | { kind: "dequantize"; module: string; source: QuantizedModule; output: OutputTensor & { dtype: FloatTensorDtype } };

export interface WeightPlan {
  tasks: WeightTask[];
  outputs: OutputTensor[];
  shards: ShardPlan<OutputTensor>[];
  totalSize: number;
  totalParameters: number;
  /** Source bytes the tasks read. */
  sourceBytes: number;
  /** Global quantization and per-module entries for config.json (quantize mode). */
  quantization: { global: { group_size: number; bits: number; mode: "affine" }; layers: [string, LayerChoice][] } | null;
  /** The dtype every float tensor was cast to, if any (`--dtype` or config's torch_dtype, as mlx-lm decides). */
  castTo: ModelDtype | null;
  /** Modules mlx-lm would quantize but whose last dimension the group size does not divide. */
  notDivisible: string[];
  warnings: string[];
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const BYTES: Partial<Record<Dtype, number>> = { BF16: 2, F16: 2, F32: 4, U32: 4 };

function outputOf(name: string, dtype: Dtype, shape: number[]): OutputTensor {
  const size = BYTES[dtype];
  if (size === undefined) throw new WhetError("internal_error", `no byte size for ${dtype}`, "This is a bug in Whetstone.");
  return { name, dtype, shape, bytes: numel(shape) * size };
}

function layerCount(names: Iterable<string>): number {
  let max = -1;
  for (const n of names) {
    const m = /(?:^|\.)layers\.(\d+)\./.exec(n);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

/** mlx_lm.convert's cast: `--dtype`, else config's torch_dtype, else text_config.dtype, when one of the three float types. */
function castDtype(config: Record<string, unknown>, requested: ModelDtype | undefined): ModelDtype | null {
  const textConfig = config.text_config as Record<string, unknown> | undefined;
  const candidate = requested ?? config.torch_dtype ?? textConfig?.dtype;
  return (MODEL_DTYPES as readonly unknown[]).includes(candidate) ? (candidate as ModelDtype) : null;
}

/**
 * Decides, from the source's headers and config alone, every output tensor of
 * a quantize, dequantize or dtype conversion, what produces it, how the
 * outputs split into shards, and the sizes: the whole job before any byte is
 * read or written (so the UI can show the output size up front).
 */
export function planWeights(params: { tensors: ReadonlyMap<string, SourceTensor>; config: Record<string, unknown>; options: WeightMode }): WeightPlan {
  const { tensors, config, options } = params;
  assertConfigNumbers(config);
  const modelType = typeof config.model_type === "string" ? config.model_type : undefined;
  assertConvertible({ modelType, config, tensorNames: [...tensors.keys()] });
  const rules = modelRules(modelType as string);
  const compareParameterNames = parameterOrder(modelType as string);
  const castTo = castDtype(config, options.dtype);
  const keep = (name: string) => rules.keepDtype.some((s) => name.includes(s));
  const dtypeOf = (t: SourceTensor): Dtype => (castTo && isFloatTensorDtype(t.dtype) && !keep(t.name) ? TENSOR_DTYPE[castTo] : t.dtype);

  const quantizedModules = findQuantizedModules(tensors, config);
  const quantizedByPath = new Map(quantizedModules.map((m) => [m.path, m]));
  const warnings: string[] = [];
  const tasks: WeightTask[] = [];
  const claimed = new Set<string>();
  let chosen = new Map<string, LayerChoice>();
  let notDivisible: string[] = [];

  if (options.mode === "quantize") {
    const byModule = new Map<string, string[]>();
    for (const name of tensors.keys()) {
      const dot = name.lastIndexOf(".");
      const path = dot < 0 ? "" : name.slice(0, dot);
      byModule.set(path, [...(byModule.get(path) ?? []), name.slice(dot + 1)]);
    }
    const modules: ModuleInfo[] = [...byModule.keys()].sort(compareParameterNames).map((path) => {
      const q = quantizedByPath.get(path);
      const weight = tensors.get(`${path}.weight`);
      const floatWeight = weight !== undefined && isFloatTensorDtype(weight.dtype);
      return {
        path,
        arrays: byModule.get(path) ?? [],
        weightShape: q ? q.shape : floatWeight ? (weight as SourceTensor).shape : null,
        hasWeight: q !== undefined || floatWeight,
        quantized: q !== undefined,
      };
    });
    ({ chosen, notDivisible } = chooseLayers({
      modules,
      modelType: modelType as string,
      bits: options.bits,
      groupSize: options.groupSize,
      groupSizeGiven: options.groupSizeGiven,
      ...(options.recipe ? { recipe: options.recipe } : {}),
      layerCount: layerCount(tensors.keys()),
    }));
    if (quantizedModules.length > 0) {
      const first = quantizedModules[0] as QuantizedModule;
      warnings.push(
        `The source is already quantized (${first.bits}-bit, group size ${first.groupSize}): its weights are dequantized exactly as mx.dequantize does and quantized again, so the two errors add up (mlx_lm.convert would leave those layers as they are). Quantize the original float model for the best result.`,
      );
      const maxSourceBits = Math.max(...quantizedModules.map((m) => m.bits));
      const maxTarget = Math.max(...[...chosen.values()].map((c) => c.bits), 0);
      if (maxTarget > maxSourceBits) {
        warnings.push(
          `You asked for ${maxTarget} bits from a ${maxSourceBits}-bit source: the precision lost at ${maxSourceBits} bits does not come back. The output is larger than the source without being more accurate.`,
        );
      }
    }
    for (const [path, choice] of chosen) {
      const q = quantizedByPath.get(path);
      const weight = tensors.get(`${path}.weight`) as SourceTensor;
      const modelDtype = (castTo ? TENSOR_DTYPE[castTo] : q ? q.dtype : weight.dtype) as FloatTensorDtype;
      const shape = q ? q.shape : weight.shape;
      const k = shape[shape.length - 1] as number;
      const lead = shape.slice(0, -1);
      tasks.push({
        kind: "quantize",
        module: path,
        source: q ?? weight,
        modelDtype,
        bits: choice.bits,
        groupSize: choice.groupSize,
        outputs: {
          weight: outputOf(`${path}.weight`, "U32", [...lead, (k * choice.bits) / 32]),
          scales: outputOf(`${path}.scales`, modelDtype, [...lead, k / choice.groupSize]),
          biases: outputOf(`${path}.biases`, modelDtype, [...lead, k / choice.groupSize]),
        },
      });
      for (const part of ["weight", "scales", "biases"]) claimed.add(`${path}.${part}`);
    }
  }

  if (options.mode === "dequantize" && quantizedModules.length === 0) {
    throw new WhetError("source_not_quantized", "The source is not quantized: there is nothing to dequantize", "Use --dtype to change the dtype of a float model.");
  }
  // Quantized modules no quantize task took over become float again (dequantize mode, or a layer the new group size does not divide).
  if (options.mode !== "dtype") {
    for (const q of quantizedModules) {
      if (claimed.has(`${q.path}.weight`)) continue;
      const dtype = (castTo ? TENSOR_DTYPE[castTo] : q.dtype) as FloatTensorDtype;
      tasks.push({ kind: "dequantize", module: q.path, source: q, output: { ...outputOf(`${q.path}.weight`, dtype, q.shape), dtype } });
      for (const part of ["weight", "scales", "biases"]) claimed.add(`${q.path}.${part}`);
    }
  }
  for (const t of tensors.values()) {
    if (claimed.has(t.name)) continue;
    const dtype = dtypeOf(t);
    tasks.push(
      dtype === t.dtype
        ? { kind: "copy", source: t, output: { name: t.name, dtype, shape: t.shape, bytes: t.bytes } }
        : { kind: "cast", source: t, output: { ...outputOf(t.name, dtype, t.shape), dtype: dtype as FloatTensorDtype } },
    );
  }

  const outputs = tasks
    .flatMap((t) => (t.kind === "quantize" ? [t.outputs.weight, t.outputs.scales, t.outputs.biases] : [t.output]))
    .sort((a, b) => compareParameterNames(a.name, b.name));
  tasks.sort((a, b) => compareParameterNames(taskName(a), taskName(b)));
  const bitsOf = new Map([...chosen].map(([path, c]) => [path, c.bits]));
  for (const q of quantizedModules) if (options.mode === "dtype") bitsOf.set(q.path, q.bits);
  const sourceBytes = tasks.reduce((n, t) => n + taskSourceBytes(t), 0);
  return {
    tasks,
    outputs,
    shards: makeShards(outputs),
    totalSize: outputs.reduce((n, o) => n + o.bytes, 0),
    totalParameters: totalParameters(outputs, bitsOf),
    sourceBytes,
    quantization:
      options.mode === "quantize"
        ? {
            global: { group_size: options.groupSize, bits: options.bits, mode: "affine" },
            layers: [...chosen].filter(([, c]) => c.entry !== null),
          }
        : null,
    castTo,
    notDivisible,
    warnings,
  };
}

export function taskName(t: WeightTask): string {
  return t.kind === "quantize" ? t.outputs.weight.name : t.output.name;
}

export function taskSourceBytes(t: WeightTask): number {
  if (t.kind === "copy" || t.kind === "cast") return t.source.bytes;
  const s = t.source;
  return "path" in s ? s.weight.bytes + s.scales.bytes + s.biases.bytes : s.bytes;
}
