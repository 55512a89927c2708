import type { TensorInfo } from "../../safetensors/read-header";
import { countSchema, QUANTIZATION_LIMITS } from "../config-numbers";
import { listSome } from "../finding";
import type { Rule } from "./rule";
import { allShardsReadable, tensorTable } from "./tensor-table";

interface QuantParams {
  bits: number;
  group_size: number;
}

const bitsSchema = countSchema(QUANTIZATION_LIMITS.bits, 1);
const groupSizeSchema = countSchema(QUANTIZATION_LIMITS.group_size, 1);

/** Bits and group size within bounds (others are the config-numbers finding), else null. */
function quantParams(value: unknown): QuantParams | null {
  if (typeof value !== "object" || value === null) return null;
  const { bits, group_size: groupSize } = value as Record<string, unknown>;
  if (!bitsSchema.safeParse(bits).success) return null;
  // mlx-lm's mixed recipes write "group_size": null per layer when --q-group-size was not given; the layer used 64.
  if (groupSize === null) return { bits: bits as number, group_size: 64 };
  return groupSizeSchema.safeParse(groupSize).success ? { bits: bits as number, group_size: groupSize as number } : null;
}

/** MLX's own quantization entry: `quantization`, else an HF-style copy without a foreign `quant_method`. */
function mlxQuantization(config: Record<string, unknown>): Record<string, unknown> | null {
  const direct = config.quantization;
  if (typeof direct === "object" && direct !== null) return direct as Record<string, unknown>;
  const hf = config.quantization_config as Record<string, unknown> | undefined;
  if (hf && typeof hf === "object" && !("quant_method" in hf) && quantParams(hf)) return hf;
  return null;
}

/** Whether the packed weight, scales and biases of one module agree with bits and group size. */
function agrees(weight: TensorInfo | undefined, scales: TensorInfo, biases: TensorInfo | undefined, q: QuantParams): boolean {
  if (!weight || weight.dtype !== "U32") return false;
  const groups = scales.shape.at(-1) ?? 0;
  const inputs = groups * q.group_size;
  const packed = weight.shape.at(-1) ?? -1;
  if ((inputs * q.bits) % 32 !== 0 || packed !== (inputs * q.bits) / 32) return false;
  if (weight.shape.slice(0, -1).join() !== scales.shape.slice(0, -1).join()) return false;
  return !biases || biases.shape.join() === scales.shape.join();
}

/** config.json's `quantization` must describe the tensors: packed weights with scales of the stated bits and group size. */
export const quantizationConsistency: Rule = (facts) => {
  if (facts.config.state !== "ok" || !allShardsReadable(facts)) return [];
  const config = facts.config.value;
  const quantization = mlxQuantization(config);
  const table = tensorTable(facts);
  const quantized = [...table.keys()].filter((n) => n.endsWith(".scales")).map((n) => n.slice(0, -".scales".length));

  if (quantization && quantized.length === 0) {
    return [
      {
        id: "quantization-mismatch",
        severity: "cosmetic",
        message: `config.json says the model is ${String(quantization.bits)}-bit, but no tensor is quantized (no .scales): the weights are full precision.`,
        reason: "quantization config without quantized tensors",
        evidence: { file: "config.json", field: "quantization" },
        repair: "repair-config",
        hint: `Remove the stale entry: whet convert ${facts.dir} ${facts.dir}-fixed --repair-config`,
      },
    ];
  }
  if (!quantization && quantized.length > 0) {
    return [
      {
        id: "quantization-mismatch",
        severity: "blocks-loading",
        message: `${quantized.length} module(s) hold quantized weights (.scales) but config.json has no quantization entry, so mlx-lm builds float layers and refuses the packed shapes.`,
        reason: "quantized tensors without quantization config",
        evidence: { file: "config.json", field: "quantization", tensors: quantized.map((m) => `${m}.scales`) },
        repair: null,
        hint: 'Add "quantization": {"group_size": G, "bits": B} to config.json with the values the model was quantized with (see the model card).',
      },
    ];
  }
  if (!quantization) return [];
  const global = quantParams(quantization);
  const wrong: string[] = [];
  for (const module of quantized) {
    const params = quantParams(quantization[module]) ?? global;
    if (!params) continue;
    if (!agrees(table.get(`${module}.weight`), table.get(`${module}.scales`) as TensorInfo, table.get(`${module}.biases`), params)) {
      wrong.push(module);
    }
  }
  if (wrong.length === 0) return [];
  return [
    {
      id: "quantization-mismatch",
      severity: "blocks-loading",
      message: `${wrong.length} quantized module(s) have packed shapes that do not match ${global ? `${global.bits}-bit, group size ${global.group_size}` : "the config"}, e.g. '${wrong[0]}'.`,
      reason: `Quantized shapes disagree with bits/group_size: ${listSome(wrong)}`,
      evidence: { file: "config.json", field: "quantization", tensors: wrong.map((m) => `${m}.weight`) },
      repair: null,
      hint: "Set bits and group_size in config.json to the values the weights were quantized with, or re-quantize from the source model.",
    },
  ];
};
