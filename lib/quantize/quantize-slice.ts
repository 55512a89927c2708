import { WhetError } from "../errors";
import { BYTES_PER_ELEMENT, decodeFloats, encodeFloats, roundArrayToDtype, roundToDtype, type FloatTensorDtype } from "../tensor/float-arrays";
import type { QuantizeKernel } from "./affine-quantize";
import { affineDequantize } from "./dequantize";
import { emptyErrorSums, type ErrorSums } from "./quantization-error";
import type { WasmQuantizer } from "./wasm-quantizer";

/** Where a slice's bytes come from and go to; offsets are relative to each tensor's data. */
export interface SliceIO {
  read(into: Uint8Array, at: number): void;
  write(part: "weight" | "scales" | "biases", bytes: Uint8Array, at: number): void;
}

export interface QuantizeSliceParams {
  /** Tensor name, for errors. */
  name: string;
  /** Its shape, to name the position of a bad value. */
  shape: readonly number[];
  sourceDtype: FloatTensorDtype;
  /** The model dtype after any `--dtype` cast: values are rounded to it first, scales and biases are stored in it. */
  modelDtype: FloatTensorDtype;
  bits: number;
  groupSize: number;
  /** The slice: whole groups, from element `first`. */
  first: number;
  count: number;
  kernel?: QuantizeKernel;
  /**
   * Fills `into` with `count` values from element `start`, already in
   * `sourceDtype` precision, instead of reading raw bytes through the IO
   * (used to requantize: the values come from dequantizing the source).
   */
  values?: (start: number, count: number, into: Float32Array) => void;
}

function position(index: number, shape: readonly number[]): string {
  const at: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    at.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return `[${at.join(", ")}]`;
}

function refuseNonFinite(params: QuantizeSliceParams, index: number, value: number): never {
  throw new WhetError(
    "non_finite_weights",
    `Tensor '${params.name}' holds ${Number.isNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity"} at ${position(index, params.shape)}: it cannot be quantized`,
    "MLX's result for such a group is undefined, so Whetstone refuses it. The source weights are damaged or were saved after a training divergence: re-download or re-convert the model.",
    { tensor: params.name, element: index },
  );
}

/** Loads `count` source values into the quantizer's float32 input, rounded to the model dtype. */
function loadChunk(q: WasmQuantizer, p: QuantizeSliceParams, io: SliceIO, start: number, count: number): void {
  const srcBytes = BYTES_PER_ELEMENT[p.sourceDtype];
  const at = start * srcBytes;
  if (p.values) {
    p.values(start, count, q.inputF32(count));
  } else if (p.sourceDtype === "F32") {
    const input = q.inputF32(count);
    io.read(new Uint8Array(input.buffer, input.byteOffset, count * 4), at);
  } else {
    const staging = q.staging(count * 2);
    io.read(staging, at);
    if (p.sourceDtype === "BF16") q.widenBf16(count);
    else decodeFloats(staging, "F16", q.inputF32(count));
  }
  // bf16 → f32 and f16 → f32 are exact; every other change of dtype rounds.
  const widening = p.modelDtype === "F32" || p.modelDtype === p.sourceDtype;
  if (!widening) roundArrayToDtype(q.inputF32(count), p.modelDtype);
}

/**
 * Error sums by dequantizing in TypeScript, where the kernel keeps none: float16
 * models (its statistics know bf16 and f32 rounding only) and the Metal variant.
 */
function addErrorsSlowly(q: WasmQuantizer, p: QuantizeSliceParams, count: number, sums: ErrorSums): void {
  const groups = count / p.groupSize;
  const scales = Float32Array.from(q.scales(groups), (s) => roundToDtype(s, p.modelDtype));
  const biases = Float32Array.from(q.biases(groups), (b) => roundToDtype(b, p.modelDtype));
  const packed = q.packed(count, p.bits);
  const words = new Uint32Array(packed.buffer, packed.byteOffset, packed.byteLength / 4);
  const restored = affineDequantize({ packed: words, scales, biases, bits: p.bits, groupSize: p.groupSize, dtype: p.modelDtype });
  const input = q.inputF32(count);
  for (let i = 0; i < count; i++) {
    const v = input[i] as number;
    const e = (restored[i] as number) - v;
    sums.squaredError += e * e;
    sums.squaredSignal += v * v;
    if (Math.abs(e) > sums.maxAbsError) sums.maxAbsError = Math.abs(e);
  }
}

/**
 * Quantizes one slice of a tensor chunk by chunk through `q`, so memory stays
 * at the quantizer's working area however large the tensor. Writes the packed
 * weight, scales and biases (in the model dtype) through `io`; returns the
 * error sums.
 */
export function quantizeSlice(q: WasmQuantizer, p: QuantizeSliceParams, io: SliceIO): ErrorSums {
  const { bits, groupSize, modelDtype, kernel = "cpu" } = p;
  const sums = emptyErrorSums();
  const chunk = Math.floor(q.capacity / groupSize) * groupSize;
  const outBytes = BYTES_PER_ELEMENT[modelDtype];
  const statsMode = modelDtype === "F16" || kernel === "metal" ? "none" : modelDtype;
  for (let done = 0; done < p.count; done += chunk) {
    const count = Math.min(chunk, p.count - done);
    const start = p.first + done;
    loadChunk(q, p, io, start, count);
    q.resetSums();
    const bad = q.quantize({ count, bits, groupSize, kernel, stats: statsMode });
    if (bad >= 0) refuseNonFinite(p, start + bad, q.inputF32(count)[bad] as number);
    const groups = count / groupSize;
    io.write("weight", q.packed(count, bits), (start * bits) / 8);
    io.write("scales", encodeFloats(q.scales(groups), modelDtype), (start / groupSize) * outBytes);
    io.write("biases", encodeFloats(q.biases(groups), modelDtype), (start / groupSize) * outBytes);
    if (statsMode === "none") addErrorsSlowly(q, p, count, sums);
    else {
      const s = q.sums();
      sums.squaredError += s.squaredError;
      sums.squaredSignal += s.squaredSignal;
      sums.maxAbsError = Math.max(sums.maxAbsError, s.maxAbsError);
    }
    sums.count += count;
  }
  return sums;
}
