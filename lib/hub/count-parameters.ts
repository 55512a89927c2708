import { totalParameters } from "../convert/total-parameters";
import type { TensorInfo } from "../safetensors/read-header";

/** MLX's quantization: the default bits and any per-module override from config.json's `quantization`. */
export interface QuantizationBits {
  bits: number;
  /** Module path → bits, for mixed recipes. */
  perModule: ReadonlyMap<string, number>;
}

export interface ParameterCount {
  /** Parameters as mlx-lm counts them: packed quantized weights unpacked, their scales and biases left out. */
  total: number;
  /** Elements as stored, per dtype (what the Hub's own count shows). */
  storedByDtype: Record<string, number>;
  /** True when some weights are packed (quantized) and were counted unpacked. */
  unpacked: boolean;
}

/**
 * Counts parameters from safetensors headers. An affine-quantized module
 * (`X.weight` beside `X.scales`) is unpacked with its bits from the
 * quantization block; without one it is counted as stored.
 */
export function countParameters(tensors: readonly Pick<TensorInfo, "name" | "dtype" | "shape">[], quantization: QuantizationBits | null): ParameterCount {
  const storedByDtype: Record<string, number> = {};
  const bitsOf = new Map<string, number>();
  for (const tensor of tensors) {
    storedByDtype[tensor.dtype] = (storedByDtype[tensor.dtype] ?? 0) + tensor.shape.reduce((n, d) => n * d, 1);
    if (quantization && tensor.name.endsWith(".scales")) {
      const module = tensor.name.slice(0, -".scales".length);
      bitsOf.set(module, quantization.perModule.get(module) ?? quantization.bits);
    }
  }
  return { total: Math.round(totalParameters(tensors, bitsOf)), storedByDtype, unpacked: bitsOf.size > 0 };
}
