import { packCodes } from "./pack-bits";

/**
 * Which MLX kernel to reproduce. "cpu" is `mx.quantize` on MLX's CPU backend
 * (what the project venv runs, and what the identity tests compare against):
 * true group max, `rint` (ties to even), codes clipped to [0, 2^bits − 1].
 * "metal" is the Metal/CUDA kernel: the max starts at 0 and `round` ties away
 * from zero. Both do all arithmetic in float32.
 */
export type QuantizeKernel = "cpu" | "metal";

export interface QuantizeTarget {
  /** Packed codes, `groupSize·bits/32` words per group. */
  packed: Uint32Array;
  /** float32 scale and bias per group, before the cast to the model dtype. */
  scales: Float32Array;
  biases: Float32Array;
  /** Index of the first group to fill (its first word is group·groupSize·bits/32). */
  group: number;
}

const EPS = Math.fround(1e-7);
// Adding and subtracting 1.5·2^52 rounds a double to an integer, ties to even
// (exact for |x| < 2^51; quotients here are far smaller).
const RINT = 6755399441055744;

function rint(x: number): number {
  return x + RINT - RINT;
}

function roundHalfAway(x: number): number {
  return x >= 0 ? Math.floor(x + 0.5) : -Math.floor(0.5 - x);
}

/**
 * MLX affine quantization of `w` (a whole number of groups; every value a
 * float32, already rounded to the model dtype) into `target`. Per group:
 * scale = max((max − min)/n_bins, 1e-7), negated unless |min| > |max|; the
 * extreme ("edge") becomes the bias and q0 = round(edge/scale) rescales so the
 * edge is exact; q = round((w − bias)/scale), clipped. Returns the index of the
 * first NaN or infinite value (nothing after it is written), or −1.
 */
export function affineQuantize(
  w: Float32Array,
  bits: number,
  groupSize: number,
  target: QuantizeTarget,
  kernel: QuantizeKernel = "cpu",
): number {
  const fround = Math.fround;
  const nBins = (1 << bits) - 1;
  const groups = w.length / groupSize;
  const wordsPerGroup = (groupSize * bits) / 32;
  const codes = new Uint8Array(groupSize);
  const metal = kernel === "metal";
  const round = metal ? roundHalfAway : rint;
  const { packed, scales, biases } = target;

  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    const end = start + groupSize;
    let wMin = Infinity;
    let wMax = metal ? 0 : -Infinity;
    for (let i = start; i < end; i++) {
      const v = w[i] as number;
      // v − v is NaN for NaN and ±Infinity: one test catches both.
      if (v - v !== 0) return i;
      if (v > wMax) wMax = v;
      if (v < wMin) wMin = v;
    }
    const side = Math.abs(wMin) > Math.abs(wMax);
    let scale = fround(fround(wMax - wMin) / nBins);
    if (scale < EPS) scale = EPS;
    if (!side) scale = -scale;
    const edge = side ? wMin : wMax;
    const q0 = round(fround(edge / scale));
    let bias = 0;
    if (q0 !== 0) {
      scale = fround(edge / q0);
      bias = edge;
    }
    for (let i = start; i < end; i++) {
      let q = round(fround(fround((w[i] as number) - bias) / scale));
      if (q > nBins) q = nBins;
      else if (!(q > 0)) q = 0;
      codes[i - start] = q;
    }
    const at = target.group + g;
    packCodes(codes, 0, groupSize, bits, packed, at * wordsPerGroup);
    scales[at] = scale;
    biases[at] = bias;
  }
  return -1;
}
