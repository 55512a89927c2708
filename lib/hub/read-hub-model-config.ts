import { z } from "zod";
import type { QuantizationBits } from "./count-parameters";
import { fetchHubJson } from "./fetch-hub-json";
import type { HubCall } from "./hub-call";
import { hubFileUrl } from "./hub-file-url";

const bits = z.number().int().min(1).max(16);
const groupSize = z.number().int().min(1).max(8192);
/** A module's own setting in MLX's quantization block (mixed recipes), or `false` for a module left unquantized. */
const moduleSetting = z.object({ bits, group_size: groupSize.optional() });

const configSchema = z.object({
  model_type: z.string().max(100).optional().catch(undefined),
  architectures: z.array(z.string().max(200)).max(16).optional().catch(undefined),
  quantization: z.record(z.string().max(1000), z.unknown()).optional().catch(undefined),
  quantization_config: z
    .object({ quant_method: z.string().max(64).optional().catch(undefined), bits: bits.optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

export interface HubModelConfig {
  modelType: string | null;
  architectures: string[];
  /** How the weights are stored; null for a model that is not quantized. */
  quantization: { method: string; bits: number | null; groupSize: number | null; mixed: boolean } | null;
  /** What the parameter count needs to unpack MLX's packed weights. */
  mlxBits: QuantizationBits | null;
}

const MAX_CONFIG_BYTES = 4 << 20;
/** Per-module entries read from a quantization block; a real model has a few thousand modules. */
const MAX_MODULE_ENTRIES = 100_000;

/** config.json at the commit: the architecture and the quantization (MLX's `quantization`, or `quantization_config`). */
export async function readHubModelConfig(call: HubCall, repoId: string, commit: string): Promise<HubModelConfig> {
  const { value } = await fetchHubJson(call, hubFileUrl(call.access.hubUrl, repoId, commit, "config.json"), configSchema, MAX_CONFIG_BYTES);
  const mlx = value.quantization ?? null;
  const mlxBits = mlx ? bits.safeParse(mlx.bits) : null;
  const mlxGroup = mlx ? groupSize.safeParse(mlx.group_size) : null;
  const perModule = new Map<string, number>();
  if (mlx) {
    for (const [key, setting] of Object.entries(mlx).slice(0, MAX_MODULE_ENTRIES)) {
      const parsed = moduleSetting.safeParse(setting);
      if (parsed.success) perModule.set(key, parsed.data.bits);
    }
  }
  let quantization: HubModelConfig["quantization"] = null;
  if (mlxBits?.success) {
    const mode = typeof mlx?.mode === "string" && mlx.mode.length <= 32 ? mlx.mode : "affine";
    quantization = { method: `MLX ${mode}`, bits: mlxBits.data, groupSize: mlxGroup?.success ? mlxGroup.data : null, mixed: perModule.size > 0 };
  } else if (value.quantization_config?.quant_method) {
    quantization = { method: value.quantization_config.quant_method, bits: value.quantization_config.bits ?? null, groupSize: null, mixed: false };
  }
  return {
    modelType: value.model_type ?? null,
    architectures: value.architectures ?? [],
    quantization,
    mlxBits: mlxBits?.success ? { bits: mlxBits.data, perModule } : null,
  };
}
