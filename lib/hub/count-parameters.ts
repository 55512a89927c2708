import type { TensorInfo } from "../safetensors/read-header";

/** MLX's quantization: the default bits and any per-module override from config.json's `quantization`. */
export interface QuantizationBits {
  bits: number;
  /** Module path → bits, for mixed recipes. */
  perModule: ReadonlyMap<string, number>;
}

export interface ParameterCount {
  /** Parameters the model has: packed quantized weights counted unpacked, their scales and biases left out. */
  total: number;
  /** Elements as stored, per dtype (what the Hub's own count shows). */
  storedByDtype: Record<string, number>;
  /** True when some weights are packed (quantized) and were counted unpacked. */
  unpacked: boolean;
}

function elements(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Counts parameters from safetensors headers. An affine-quantized module
 * (`X.weight` packed in uint32 beside `X.scales`) holds 32/bits values per
 * element; without its bits (no quantization block) it is counted as stored.
 */
export function countParameters(tensors: readonly Pick<TensorInfo, "name" | "dtype" | "shape">[], quantization: QuantizationBits | null): ParameterCount {
  const names = new Set(tensors.map((t) => t.name));
  const quantizedModule = (module: string) => names.has(`${module}.scales`) && names.has(`${module}.weight`);
  const storedByDtype: Record<string, number> = {};
  let total = 0;
  let unpacked = false;
  for (const tensor of tensors) {
    const count = elements(tensor.shape);
    storedByDtype[tensor.dtype] = (storedByDtype[tensor.dtype] ?? 0) + count;
    const dot = tensor.name.lastIndexOf(".");
    const module = tensor.name.slice(0, dot);
    const leaf = tensor.name.slice(dot + 1);
    if (dot === -1 || !quantizedModule(module)) {
      total += count;
    } else if (leaf === "weight") {
      const bits = quantization ? (quantization.perModule.get(module) ?? quantization.bits) : null;
      if (bits && tensor.dtype === "U32") {
        total += (count * 32) / bits;
        unpacked = true;
      } else {
        total += count;
      }
    } else if (leaf !== "scales" && leaf !== "biases") {
      total += count;
    }
  }
  return { total: Math.round(total), storedByDtype, unpacked };
}
