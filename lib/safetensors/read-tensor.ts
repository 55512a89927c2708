import { open } from "node:fs/promises";
import { WhetError } from "../errors";
import type { SafetensorsHeader, TensorInfo } from "./read-header";

/**
 * The raw little-endian bytes of one tensor of a file whose header was read
 * with `readSafetensorsHeader`, in a fresh 8-byte aligned buffer (so typed
 * array views of any element size work on it).
 */
export async function readTensorBytes(header: SafetensorsHeader, name: string): Promise<Uint8Array> {
  const tensor = header.tensors.find((t) => t.name === name);
  if (!tensor) {
    throw new WhetError("tensor_not_found", `No tensor '${name}' in ${header.file}`, "Check the tensor name with `whet show`.", { tensor: name });
  }
  return readSpan(header, tensor);
}

export async function readSpan(header: SafetensorsHeader, tensor: TensorInfo): Promise<Uint8Array> {
  const size = tensor.end - tensor.begin;
  const bytes = new Uint8Array(new ArrayBuffer(Math.ceil(size / 8) * 8), 0, size);
  const handle = await open(header.file, "r");
  try {
    await handle.read(bytes, 0, size, header.dataStart + tensor.begin);
  } finally {
    await handle.close();
  }
  return bytes;
}
