import type { QuantizeKernel } from "./affine-quantize";
import { AFFINE_KERNEL_WASM } from "./wasm/affine-kernel-wasm";

interface KernelExports {
  memory: WebAssembly.Memory;
  quantize(
    src: number, groups: number, groupSize: number, bits: number,
    codes: number, out: number, scales: number, biases: number,
    metal: number, stats: number, sums: number,
  ): number;
  widenBf16(src: number, dst: number, count: number): void;
}

/** How the kernel's statistics treat the model dtype: none, float32 or bfloat16 rounding. */
export type StatsMode = "none" | "F32" | "BF16";

/**
 * One instance of the SIMD kernel with a fixed working area for chunks of up
 * to `capacity` values: the input (read from disk straight into WebAssembly
 * memory), a staging area for formats the kernel does not read itself, and the
 * outputs. Each worker thread owns one.
 */
export interface WasmQuantizer {
  capacity: number;
  /** Where the kernel reads `count` float32 values. */
  inputF32(count: number): Float32Array;
  /** A separate area of `bytes` bytes for reading formats that need decoding first. */
  staging(bytes: number): Uint8Array;
  /** Widens `count` bf16 values from the staging area into the input. */
  widenBf16(count: number): void;
  /** Quantizes `count` values from the input; returns the index of the first non-finite value or −1. The Metal variant keeps no statistics. */
  quantize(p: { count: number; bits: number; groupSize: number; kernel: QuantizeKernel; stats: StatsMode }): number;
  packed(count: number, bits: number): Uint8Array;
  scales(groups: number): Float32Array;
  biases(groups: number): Float32Array;
  /** Σ(ŵ−w)², Σw², max|ŵ−w| since the last `resetSums`. */
  sums(): { squaredError: number; squaredSignal: number; maxAbsError: number };
  resetSums(): void;
}

let compiled: WebAssembly.Module | null = null;

const PAGE = 65536;

export function createWasmQuantizer(capacity = 1 << 20): WasmQuantizer {
  compiled ??= new WebAssembly.Module(Buffer.from(AFFINE_KERNEL_WASM, "base64"));
  const kernel = new WebAssembly.Instance(compiled).exports as unknown as KernelExports;
  // Layout: input (4 bytes a value) | staging (4) | packed (≤1) | scales | biases | codes | sums.
  const input = 0;
  const staging = input + capacity * 4;
  const out = staging + capacity * 4;
  const scales = out + capacity;
  const biases = scales + capacity; // a group has ≥ 32 values, so capacity/32·4 bytes suffice
  const codes = biases + capacity;
  const sums = codes + 256;
  const bytes = sums + 64;
  const memory = kernel.memory;
  const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
  if (pages > 0) memory.grow(pages);
  const buffer = memory.buffer;
  const sumView = new Float64Array(buffer, sums, 3);

  return {
    capacity,
    inputF32: (count) => new Float32Array(buffer, input, count),
    staging: (n) => new Uint8Array(buffer, staging, n),
    widenBf16: (count) => kernel.widenBf16(staging, input, count),
    quantize: ({ count, bits, groupSize, kernel: which, stats }) =>
      kernel.quantize(
        input, count / groupSize, groupSize, bits,
        codes, out, scales, biases,
        which === "metal" ? 1 : 0, stats === "none" ? 0 : stats === "F32" ? 1 : 2, sums,
      ),
    packed: (count, bits) => new Uint8Array(buffer, out, (count * bits) / 8),
    scales: (groups) => new Float32Array(buffer, scales, groups),
    biases: (groups) => new Float32Array(buffer, biases, groups),
    sums: () => ({ squaredError: sumView[0] as number, squaredSignal: sumView[1] as number, maxAbsError: sumView[2] as number }),
    resetSums: () => sumView.fill(0),
  };
}
