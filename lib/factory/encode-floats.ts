import { float32ToBfloat16Bits, float32ToFloat16Bits } from "../tensor/float-bits";

export type FloatDtype = "bfloat16" | "float16" | "float32";

export const SAFETENSORS_DTYPE = { bfloat16: "BF16", float16: "F16", float32: "F32" } as const;

/** Little-endian bytes of `values` in the given float format. */
export function encodeFloats(values: Float32Array, dtype: FloatDtype): Uint8Array {
  if (dtype === "float32") return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = new Uint16Array(values.length);
  const convert = dtype === "bfloat16" ? float32ToBfloat16Bits : float32ToFloat16Bits;
  for (let i = 0; i < values.length; i++) out[i] = convert(values[i] as number);
  return new Uint8Array(out.buffer);
}
