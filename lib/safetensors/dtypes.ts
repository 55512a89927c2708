/** Bits per element of every dtype the safetensors format names (safetensors/src/tensor.rs). */
export const DTYPE_BITS = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
} as const;

export type Dtype = keyof typeof DTYPE_BITS;

export function isDtype(value: string): value is Dtype {
  return Object.hasOwn(DTYPE_BITS, value);
}

/** Byte size of a tensor, or null when its bit count is not a whole number of bytes. */
export function tensorByteSize(dtype: Dtype, shape: readonly number[]): bigint | null {
  const elements = shape.reduce((n, d) => n * BigInt(d), 1n);
  const bits = elements * BigInt(DTYPE_BITS[dtype]);
  return bits % 8n === 0n ? bits / 8n : null;
}
