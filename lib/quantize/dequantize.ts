import { roundArrayToDtype, type FloatTensorDtype } from "../tensor/float-arrays";
import { unpackCodes } from "./pack-bits";

/**
 * `mx.dequantize` for affine groups: w = T(T(q·scale) + bias), where T is the
 * dtype of scales and biases. MLX's CPU path rounds the product and then the
 * sum to T (through float32), with no fused multiply-add; checked against
 * mlx 0.32.4 for bf16, f16 and f32.
 *
 * `scales`/`biases` hold the T values as float32; `groups` groups starting at
 * group `first` are written to `out` from index 0.
 */
export function affineDequantize(params: {
  packed: Uint32Array;
  scales: Float32Array;
  biases: Float32Array;
  bits: number;
  groupSize: number;
  dtype: FloatTensorDtype;
  first?: number;
  groups?: number;
  out?: Float32Array;
}): Float32Array {
  const { packed, scales, biases, bits, groupSize, dtype, first = 0 } = params;
  const groups = params.groups ?? scales.length - first;
  const out = params.out ?? new Float32Array(groups * groupSize);
  const codes = new Uint8Array(groupSize);
  const wordsPerGroup = (groupSize * bits) / 32;
  for (let g = 0; g < groups; g++) {
    const at = first + g;
    unpackCodes(packed, at * wordsPerGroup, groupSize, bits, codes, 0);
    const scale = scales[at] as number;
    const start = g * groupSize;
    // Storing into a Float32Array rounds to float32; then round to T.
    for (let i = 0; i < groupSize; i++) out[start + i] = (codes[i] as number) * scale;
    const group = out.subarray(start, start + groupSize);
    roundArrayToDtype(group, dtype);
    const bias = biases[at] as number;
    for (let i = 0; i < groupSize; i++) group[i] = (group[i] as number) + bias;
    roundArrayToDtype(group, dtype);
  }
  return out;
}
