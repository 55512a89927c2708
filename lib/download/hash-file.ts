import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { RepoFile } from "./repo-file";

const CHUNK = 4 << 20;

/**
 * The hash the Hub names a file by: sha256 of the content (LFS) or git's blob
 * sha1 ("blob <size>\0" + content). One buffer is read into again and again:
 * a fresh one per chunk would make gigabytes of garbage for the collector.
 */
export async function hashFile(path: string, algorithm: RepoFile["algorithm"], size: number, signal?: AbortSignal): Promise<string> {
  const hash = algorithm === "sha256" ? createHash("sha256") : createHash("sha1").update(`blob ${size}\0`);
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let position = 0; ; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}
