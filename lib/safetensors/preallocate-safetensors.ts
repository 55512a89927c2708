import { open } from "node:fs/promises";
import type { Dtype } from "./dtypes";
import { buildHeader } from "./write-safetensors";

/**
 * Starts a safetensors file whose tensors are written later, in any order and
 * in parallel, with positional writes: writes the 8-byte length and the header
 * (MLX's layout: compact JSON, sorted keys, no padding; data in the order
 * given) and sizes the file to its final length. Returns each tensor's
 * absolute data offset.
 */
export async function preallocateSafetensors(
  path: string,
  tensors: readonly { name: string; dtype: Dtype; shape: number[]; bytes: number }[],
  metadata: Record<string, string> = { format: "mlx" },
): Promise<Map<string, number>> {
  const header = buildHeader(
    tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: { byteLength: t.bytes } })),
    metadata,
  );
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(header.byteLength));
  const dataStart = 8 + header.byteLength;
  const offsets = new Map<string, number>();
  let at = dataStart;
  for (const t of tensors) {
    offsets.set(t.name, at);
    at += t.bytes;
  }
  const handle = await open(path, "w");
  try {
    await handle.write(prefix, 0, 8, 0);
    await handle.write(header, 0, header.byteLength, 8);
    await handle.truncate(at);
  } finally {
    await handle.close();
  }
  return offsets;
}
