import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { RepoFile } from "./repo-file";

/** The hash the Hub names a file by: sha256 of the content (LFS) or git's blob sha1 ("blob <size>\0" + content). */
export async function hashFile(path: string, algorithm: RepoFile["algorithm"], size: number, signal?: AbortSignal): Promise<string> {
  const hash = algorithm === "sha256" ? createHash("sha256") : createHash("sha1").update(`blob ${size}\0`);
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20, ...(signal ? { signal } : {}) })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
