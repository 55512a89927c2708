/**
 * Measures how many quantized values differ between MLX's CPU kernel (what
 * Whetstone reproduces, and what mx.quantize runs on Linux) and its Metal
 * kernel (what mlx_lm.convert runs on a Mac), on real-sized tensors. The two
 * differ in exactly two places (mlx/backend/cpu/quantized.cpp vs
 * mlx/backend/metal/kernels/quantized.h): Metal's group max starts at 0, so an
 * all-negative group gets a range up to 0 instead of to its own max; and
 * Metal rounds with round() (ties away from zero) where the CPU uses rint()
 * (ties to even). Both kernels are run here by Whetstone's SIMD kernel.
 *
 *   npx tsx bench/metal-vs-cpu.ts
 */
import { createWasmQuantizer } from "../lib/quantize/wasm-quantizer";
import { seededRandom, normalValues } from "../lib/factory/random";
import { roundArrayToDtype } from "../lib/tensor/float-arrays";
import { unpackCodes } from "../lib/quantize/pack-bits";

interface Case {
  label: string;
  rows: number;
  cols: number;
  values: () => Float32Array;
}

const gaussian = (n: number, mean: number, std: number, seed: number) => {
  const v = normalValues(n, std, seededRandom(seed));
  if (mean !== 0) for (let i = 0; i < n; i++) v[i] = (v[i] as number) + mean;
  roundArrayToDtype(v, "BF16");
  return v;
};

const CASES: Case[] = [
  { label: "q_proj of a 7B model, N(0, 0.02) bf16", rows: 4096, cols: 4096, values: () => gaussian(4096 * 4096, 0, 0.02, 1) },
  { label: "down_proj of a 7B model, N(0, 0.02) bf16", rows: 4096, cols: 11008, values: () => gaussian(4096 * 11008, 0, 0.02, 2) },
  { label: "the same shape shifted, N(−0.03, 0.02) bf16", rows: 4096, cols: 4096, values: () => gaussian(4096 * 4096, -0.03, 0.02, 3) },
];

function quantize(values: Float32Array, bits: number, groupSize: number, kernel: "cpu" | "metal") {
  const q = createWasmQuantizer(values.length);
  q.inputF32(values.length).set(values);
  q.quantize({ count: values.length, bits, groupSize, kernel, stats: "none" });
  const groups = values.length / groupSize;
  const packed = q.packed(values.length, bits).slice();
  return { packed: new Uint32Array(packed.buffer), scales: q.scales(groups).slice(), biases: q.biases(groups).slice() };
}

for (const c of CASES) {
  const values = c.values();
  const n = values.length;
  console.log(`\n${c.label}: [${c.rows}, ${c.cols}] = ${(n / 1e6).toFixed(1)} M values`);
  for (const bits of [2, 3, 4, 8]) {
    const groupSize = 64;
    const cpu = quantize(values, bits, groupSize, "cpu");
    const metal = quantize(values, bits, groupSize, "metal");
    const a = new Uint8Array(n);
    const b = new Uint8Array(n);
    unpackCodes(cpu.packed, 0, n, bits, a, 0);
    unpackCodes(metal.packed, 0, n, bits, b, 0);
    let codes = 0;
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) codes++;
    let scales = 0;
    let negativeGroups = 0;
    for (let g = 0; g < cpu.scales.length; g++) {
      if (cpu.scales[g] !== metal.scales[g] || cpu.biases[g] !== metal.biases[g]) scales++;
      let max = -Infinity;
      for (let i = g * groupSize; i < (g + 1) * groupSize; i++) max = Math.max(max, values[i] as number);
      if (max < 0) negativeGroups++;
    }
    // Codes that differ in groups whose scale and bias agree are rounding ties.
    let ties = 0;
    for (let g = 0; g < cpu.scales.length; g++) {
      if (cpu.scales[g] !== metal.scales[g] || cpu.biases[g] !== metal.biases[g]) continue;
      for (let i = g * groupSize; i < (g + 1) * groupSize; i++) if (a[i] !== b[i]) ties++;
    }
    console.log(
      `  ${bits}-bit g${groupSize}: codes differ ${codes} of ${n} (${((codes / n) * 100).toExponential(2)}%), ` +
        `of which ties ${ties}; scale/bias differ in ${scales} of ${cpu.scales.length} groups (all-negative groups: ${negativeGroups})`,
    );
  }
}
