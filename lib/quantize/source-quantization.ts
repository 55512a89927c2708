import { z } from "zod";
import { WhetError } from "../errors";
import { countSchema, QUANTIZATION_LIMITS } from "../health/config-numbers";
import type { SourceTensor } from "../convert/source-weights";
import { isFloatTensorDtype, type FloatTensorDtype } from "../tensor/float-arrays";

/** One affine-quantized module of a source model: its packed weight, scales and biases. */
export interface QuantizedModule {
  path: string;
  weight: SourceTensor;
  scales: SourceTensor;
  biases: SourceTensor;
  bits: number;
  groupSize: number;
  /** The dtype of scales and biases (the model dtype it was quantized in). */
  dtype: FloatTensorDtype;
  /** Shape of the float weight it stands for. */
  shape: number[];
}

const entrySchema = z.looseObject({
  group_size: countSchema(QUANTIZATION_LIMITS.group_size, 1).nullish(),
  bits: countSchema(QUANTIZATION_LIMITS.bits, 1).nullish(),
  mode: z.string().nullish(),
});

/**
 * The quantized modules of a source, read the way mlx-lm's `load_model` reads
 * them: a module is quantized when `<path>.scales` exists; its bits and group
 * size come from its own entry in `config["quantization"]`, else the global
 * one (mode defaults to affine, group size to 64). Shapes must agree with
 * those numbers; only affine mode (scales and biases in a float dtype) is
 * handled.
 */
export function findQuantizedModules(tensors: ReadonlyMap<string, SourceTensor>, config: Record<string, unknown>): QuantizedModule[] {
  const quantization = (config.quantization ?? config.quantization_config ?? {}) as Record<string, unknown>;
  const global = entrySchema.safeParse(quantization).data ?? {};
  const modules: QuantizedModule[] = [];
  for (const scales of tensors.values()) {
    if (!scales.name.endsWith(".scales")) continue;
    const path = scales.name.slice(0, -".scales".length);
    const weight = tensors.get(`${path}.weight`);
    const biases = tensors.get(`${path}.biases`);
    const own = entrySchema.safeParse(quantization[path]).data;
    const mode = own?.mode ?? global.mode ?? "affine";
    const bad = (problem: string, hint: string): never => {
      throw new WhetError("source_quantization_unsupported", `Quantized module '${path}': ${problem}`, hint, { module: path });
    };
    if (mode !== "affine" || !biases || !isFloatTensorDtype(scales.dtype)) {
      bad(`mode '${mode}' (no float scales and biases)`, "Whetstone handles MLX affine quantization; convert mxfp4/nvfp4/mxfp8 models with mlx_lm.convert.");
    }
    if (!weight || weight.dtype !== "U32") bad("its weight is missing or not U32 packed codes", "The source is damaged: run `whet health` on it.");
    const w = weight as SourceTensor;
    const bits = own?.bits ?? global.bits ?? 4;
    const groupSize = own?.group_size ?? global.group_size ?? 64;
    const k = ((w.shape[w.shape.length - 1] ?? 0) * 32) / bits;
    if (k !== (scales.shape[scales.shape.length - 1] ?? 0) * groupSize || !Number.isInteger(k)) {
      bad(
        `shapes [${w.shape.join(", ")}] and scales [${scales.shape.join(", ")}] do not fit ${bits} bits with group size ${groupSize}`,
        "config.json's quantization entry does not describe these tensors: check the config (see `whet health`).",
      );
    }
    modules.push({
      path,
      weight: w,
      scales,
      biases: biases as SourceTensor,
      bits,
      groupSize,
      dtype: scales.dtype as FloatTensorDtype,
      shape: [...w.shape.slice(0, -1), k],
    });
  }
  return modules;
}
