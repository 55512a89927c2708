import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { readSafetensorsHeader } from "./read-header";
import { formatHeader } from "./write-safetensors";

/**
 * Copies a safetensors file with a new `__metadata__` (merged over the old
 * one): the header is re-serialised, the tensor bytes are streamed unchanged.
 */
export async function copyWithMetadata(from: string, to: string, metadata: Record<string, string>): Promise<void> {
  const header = await readSafetensorsHeader(from);
  const json = formatHeader(header.tensors, { ...header.metadata, ...metadata });
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  const temp = `${to}.tmp`;
  try {
    const out = createWriteStream(temp);
    out.write(prefix);
    out.write(json);
    if (header.fileSize > header.dataStart) {
      await pipeline(createReadStream(from, { start: header.dataStart }), out);
    } else {
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
