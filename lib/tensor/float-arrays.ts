import { WhetError } from "../errors";
import { float16BitsToFloat32, float32ToFloat16Bits } from "./float-bits";

/** The float formats MLX models store weights in, by their safetensors names. */
export type FloatTensorDtype = "BF16" | "F16" | "F32";

export const BYTES_PER_ELEMENT: Record<FloatTensorDtype, number> = { BF16: 2, F16: 2, F32: 4 };

export function isFloatTensorDtype(dtype: string): dtype is FloatTensorDtype {
  return dtype === "BF16" || dtype === "F16" || dtype === "F32";
}

let f16Table: Float32Array | null = null;

/** All 65536 float16 values as float32: a table lookup beats bit twiddling per element. */
function float16Table(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) f16Table[i] = float16BitsToFloat32(i);
  }
  return f16Table;
}

function halfWords(bytes: Uint8Array, count: number): Uint16Array {
  // Typed-array views need aligned offsets; an odd offset costs one copy.
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  return new Uint16Array(bytes.slice(0, count * 2).buffer);
}

/** Little-endian bytes of `dtype` values into float32 (exact: every bf16/f16 value is a float32). */
export function decodeFloats(bytes: Uint8Array, dtype: FloatTensorDtype, out?: Float32Array): Float32Array {
  const count = bytes.byteLength / BYTES_PER_ELEMENT[dtype];
  const target = out ?? new Float32Array(count);
  if (dtype === "F32") {
    if (bytes.byteOffset % 4 === 0) target.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
    else new Uint8Array(target.buffer, target.byteOffset, count * 4).set(bytes.subarray(0, count * 4));
    return target;
  }
  const words = halfWords(bytes, count);
  if (dtype === "BF16") {
    const bits = new Uint32Array(target.buffer, target.byteOffset, count);
    for (let i = 0; i < count; i++) bits[i] = (words[i] as number) << 16;
    return target;
  }
  const table = float16Table();
  for (let i = 0; i < count; i++) target[i] = table[words[i] as number] as number;
  return target;
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** bf16 bits of a float32 value the way MLX casts: round to nearest even, NaN → 0x7FC0 (sign dropped). */
function bfloat16Bits(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** f16 bits the way MLX casts: round to nearest even, subnormals kept, NaN → sign | 0x7D00. */
function float16Bits(value: number): number {
  if (value !== value) {
    scratchF32[0] = value;
    return ((scratchU32[0] as number) >>> 16 & 0x8000) | 0x7d00;
  }
  return float32ToFloat16Bits(value);
}

/** float32 values as little-endian `dtype` bytes, rounding as MLX's `astype` does. */
export function encodeFloats(values: Float32Array, dtype: FloatTensorDtype, out?: Uint8Array): Uint8Array {
  const count = values.length;
  const target = out ?? new Uint8Array(count * BYTES_PER_ELEMENT[dtype]);
  if (target.byteOffset % 4 !== 0) {
    throw new WhetError("internal_error", "encodeFloats needs a 4-byte aligned output buffer", "This is a bug in Whetstone.");
  }
  if (dtype === "F32") {
    target.set(new Uint8Array(values.buffer, values.byteOffset, count * 4));
    return target;
  }
  const words = new Uint16Array(target.buffer, target.byteOffset, count);
  if (dtype === "BF16") {
    const bits = new Uint32Array(values.buffer, values.byteOffset, count);
    for (let i = 0; i < count; i++) words[i] = bfloat16Bits(bits[i] as number);
    return target;
  }
  for (let i = 0; i < count; i++) words[i] = float16Bits(values[i] as number);
  return target;
}

/** Rounds a float32 value to the nearest `dtype` value (returned as a number), as a cast there and back does. */
export function roundToDtype(value: number, dtype: FloatTensorDtype): number {
  if (dtype === "F32") return Math.fround(value);
  scratchF32[0] = value;
  if (dtype === "BF16") {
    scratchU32[0] = bfloat16Bits(scratchU32[0] as number) << 16;
    return scratchF32[0] as number;
  }
  return float16Table()[float16Bits(value)] as number;
}

/** Rounds every value of `values` in place to `dtype` (a cast to that dtype and back to float32). */
export function roundArrayToDtype(values: Float32Array, dtype: FloatTensorDtype): void {
  if (dtype === "F32") return;
  if (dtype === "BF16") {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let i = 0; i < bits.length; i++) bits[i] = bfloat16Bits(bits[i] as number) << 16;
    return;
  }
  const table = float16Table();
  for (let i = 0; i < values.length; i++) values[i] = table[float16Bits(values[i] as number)] as number;
}
