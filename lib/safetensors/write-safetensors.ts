import { open, rename, rm } from "node:fs/promises";
import type { Dtype } from "./dtypes";
import { tensorByteSize } from "./dtypes";
import { WhetError } from "../errors";

export interface TensorToWrite {
  name: string;
  dtype: Dtype;
  shape: number[];
  data: Uint8Array;
}

export interface HeaderEntry {
  name: string;
  dtype: Dtype;
  shape: readonly number[];
  begin: number;
  end: number;
}

/**
 * A header the way MLX writes one: compact JSON, keys in byte order,
 * `data_offsets`/`dtype`/`shape` inside each entry, no padding.
 */
export function formatHeader(entries: readonly HeaderEntry[], metadata: Record<string, string> | null): Buffer {
  const pairs: [string, string][] = [["__metadata__", JSON.stringify(metadata)]];
  for (const e of entries) {
    pairs.push([e.name, `{"data_offsets":[${e.begin},${e.end}],"dtype":${JSON.stringify(e.dtype)},"shape":[${e.shape.join(",")}]}`]);
  }
  pairs.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Buffer.from(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`);
}

/** The header for `tensors` laid out back to back in the order given. */
export function buildHeader(
  tensors: readonly (Pick<TensorToWrite, "name" | "dtype" | "shape"> & { data: { byteLength: number } })[],
  metadata: Record<string, string> | null,
): Buffer {
  let offset = 0;
  const entries = tensors.map((t) => {
    const size = t.data.byteLength;
    const expected = tensorByteSize(t.dtype, t.shape);
    if (expected !== BigInt(size)) {
      throw new WhetError(
        "tensor_size_mismatch",
        `tensor '${t.name}' has ${size} bytes but shape [${t.shape.join(", ")}] × ${t.dtype} needs ${expected}`,
        "This is a bug in the code that produced the tensor.",
      );
    }
    const entry = { name: t.name, dtype: t.dtype, shape: t.shape, begin: offset, end: offset + size };
    offset += size;
    return entry;
  });
  return formatHeader(entries, metadata);
}

/** Writes a safetensors file atomically (temp file, then rename). */
export async function writeSafetensors(
  path: string,
  tensors: readonly TensorToWrite[],
  metadata: Record<string, string> | null = { format: "mlx" },
): Promise<void> {
  const header = buildHeader(tensors, metadata);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(header.byteLength));
  const temp = `${path}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.write(prefix);
    await handle.write(header);
    for (const t of tensors) await handle.write(t.data);
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
