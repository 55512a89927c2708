import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseRepoFolderName, repoFolderName } from "./repo-folder";

export interface RemovedPartial {
  repoId: string;
  path: string;
  /** Bytes the file took on disk (partials are sparse: less than their size until complete). */
  bytes: number;
}

/** Download leftovers in a repo's blobs/: huggingface_hub's `.incomplete` files and our range records. */
const PARTIAL = /\.incomplete(\.ranges(\.tmp)?)?$/;

/**
 * Removes the partial downloads of one cached repository, or of all of them,
 * and says what went and how much disk it frees. Complete blobs, snapshots and
 * refs are left alone.
 */
export async function cleanPartials(hubCache: string, repoId?: string): Promise<{ removed: RemovedPartial[]; bytes: number }> {
  const folders = repoId ? [repoFolderName(repoId)] : await readdir(hubCache).catch(() => []);
  const removed: RemovedPartial[] = [];
  for (const folder of folders) {
    const parsed = parseRepoFolderName(folder);
    if (!parsed) continue;
    const blobs = join(hubCache, folder, "blobs");
    for (const name of await readdir(blobs).catch(() => [])) {
      if (!PARTIAL.test(name)) continue;
      const path = join(blobs, name);
      const info = await lstat(path).catch(() => null);
      if (!info?.isFile()) continue;
      await rm(path, { force: true });
      removed.push({ repoId: parsed.repoId, path, bytes: info.blocks * 512 });
    }
  }
  return { removed, bytes: removed.reduce((n, r) => n + r.bytes, 0) };
}
