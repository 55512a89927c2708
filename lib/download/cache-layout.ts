import { mkdir, readlink, rename, rm, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { writeFileAtomic } from "../fs/write-file-atomic";
import { repoFolderName } from "../cache/repo-folder";
import type { PartialPaths } from "./partial-file";

/** Where huggingface_hub keeps one model repository: blobs by etag, snapshots by commit, refs by name. */
export interface RepoCache {
  dir: string;
  blobs: string;
  blob(etag: string): string;
  /** `blobs/<etag>.incomplete`, huggingface_hub's name for a download in progress, plus our record of its ranges. */
  partial(etag: string): PartialPaths;
  snapshot(commit: string): string;
}

export function repoCache(hubCache: string, repoId: string): RepoCache {
  const dir = join(hubCache, repoFolderName(repoId));
  const blobs = join(dir, "blobs");
  return {
    dir,
    blobs,
    blob: (etag) => join(blobs, etag),
    partial: (etag) => ({ data: join(blobs, `${etag}.incomplete`), record: join(blobs, `${etag}.incomplete.ranges`) }),
    snapshot: (commit) => join(dir, "snapshots", commit),
  };
}

/**
 * `snapshots/<commit>/<path>` as a relative link to its blob (`../../blobs/<etag>`,
 * one more `../` per folder level), replaced through a rename so a reader never
 * sees it missing.
 */
export async function linkSnapshotFile(cache: RepoCache, commit: string, path: string, etag: string): Promise<void> {
  const link = join(cache.snapshot(commit), path);
  const target = relative(dirname(link), cache.blob(etag));
  if ((await readlink(link).catch(() => null)) === target) return;
  await mkdir(dirname(link), { recursive: true });
  const temp = `${link}.whet-link`;
  await rm(temp, { force: true });
  await symlink(target, temp);
  await rename(temp, link);
}

/** `refs/<revision>`: the bare commit, no newline (a newline breaks Python's offline lookups). */
export async function writeRef(cache: RepoCache, revision: string, commit: string): Promise<void> {
  const path = join(cache.dir, "refs", revision);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, commit);
}
