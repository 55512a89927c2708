import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { WhetError } from "../errors";

export interface FileDigests {
  /** Git blob sha1: what the Hub's tree lists as `oid` for a regular file. */
  blobOid: string;
  /** Plain sha256: an LFS file's `lfs.oid`. */
  sha256: string;
}

/** Both digests in one read; the file must still be `size` bytes (a file changing under a push is refused). */
export async function hashFile(path: string, size: number, options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {}): Promise<FileDigests> {
  const sha1 = createHash("sha1").update(`blob ${size}\0`);
  const sha256 = createHash("sha256");
  let read = 0;
  for await (const chunk of createReadStream(path, { signal: options.signal, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    sha1.update(chunk);
    sha256.update(chunk);
    read += chunk.byteLength;
    options.onBytes?.(chunk.byteLength);
  }
  if (read !== size) {
    throw new WhetError("workspace_changed", `${path} changed while it was read (${size} bytes, then ${read})`, "Wait until nothing writes to the workspace, then push again.");
  }
  return { blobOid: sha1.digest("hex"), sha256: sha256.digest("hex") };
}
