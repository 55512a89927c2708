import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { downloadFile, type ListFileEntry } from "@huggingface/hub";
import { WhetError } from "../errors";
import type { HubAccess } from "./hub-access";

export interface DownloadParams extends HubAccess {
  repoId: string;
  commit: string;
  entry: ListFileEntry;
  to: string;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
}

/**
 * Downloads one repository file to `to` through `<to>.incomplete`, checking its
 * size and its hash against what the tree listing promised (sha256 for LFS files,
 * the git blob sha1 for the others) before it takes the final name.
 */
export async function downloadVerified(params: DownloadParams): Promise<void> {
  const { repoId, commit, entry, to, signal, onBytes, ...access } = params;
  const partial = `${to}.incomplete`;
  await mkdir(dirname(to), { recursive: true });
  const expectedSize = entry.lfs?.size ?? entry.size;
  const hash = entry.lfs ? createHash("sha256") : createHash("sha1").update(`blob ${expectedSize}\0`);
  const expectedHash = entry.lfs?.oid ?? entry.oid;
  let received = 0;

  const fetchWithSignal: typeof fetch = (input, init) => (access.fetch ?? fetch)(input, { ...init, signal });
  const blob = await downloadFile({ ...access, repo: repoId, path: entry.path, revision: commit, xet: false, fetch: fetchWithSignal });
  if (!blob) {
    throw new WhetError("file_not_found", `${repoId}: ${entry.path} is listed but cannot be downloaded`, "The repository changed while cloning; try again.");
  }
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(blob.stream() as Parameters<typeof Readable.fromWeb>[0]), count, createWriteStream(partial), { signal });
    if (received !== expectedSize) {
      throw new WhetError("size_mismatch", `${entry.path}: received ${received} bytes, expected ${expectedSize}`, "The download was cut short; try again.");
    }
    const actual = hash.digest("hex");
    if (expectedHash && actual !== expectedHash) {
      throw new WhetError(
        "checksum_mismatch",
        `${entry.path}: content hash ${actual.slice(0, 12)}… does not match the Hub's ${expectedHash.slice(0, 12)}…`,
        "The file was corrupted in transit; try again.",
      );
    }
    await rename(partial, to);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
