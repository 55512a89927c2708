import { lstat, readdir, readlink, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { scanHubCache, type CachedRepo } from "./scan-hub-cache";
import { WhetError } from "../errors";

export interface CacheDeletion {
  repoId: string;
  /** The whole repo folder goes (every cached revision was asked for). */
  wholeRepo: boolean;
  commits: string[];
  refs: string[];
  /** Blob files no remaining revision uses. */
  blobs: string[];
  freedBytes: number;
}

/** Snapshots are as deep as the repo's folders: a few levels. */
const MAX_SNAPSHOT_DEPTH = 16;

/**
 * Blob paths a snapshot's symlinks point to (resolved one hop, as the cache
 * lays them out), and only those inside this repo's `blobs/`: a link that
 * leads anywhere else names nothing the cache may delete.
 */
async function blobsOf(snapshot: string, blobsDir: string, prefix = "", depth = 0): Promise<Set<string>> {
  const used = new Set<string>();
  for (const entry of await readdir(join(snapshot, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? join(prefix, entry.name) : entry.name;
    const full = join(snapshot, rel);
    if (entry.isDirectory()) {
      if (depth < MAX_SNAPSHOT_DEPTH) for (const b of await blobsOf(snapshot, blobsDir, rel, depth + 1)) used.add(b);
    } else if (entry.isSymbolicLink()) {
      const target = resolve(join(full, ".."), await readlink(full));
      if (dirname(target) === blobsDir) used.add(target);
    }
  }
  return used;
}

/** The blobs that may be deleted: regular files directly in the repo's `blobs/` (never a link, never what a link leads to). */
async function deletableBlobs(paths: Iterable<string>, blobsDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (dirname(path) === blobsDir && (await lstat(path).catch(() => null))?.isFile()) out.push(path);
  }
  return out.sort();
}

async function sizeOf(paths: Iterable<string>): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await lstat(path).catch(() => null))?.size ?? 0;
  return total;
}

/**
 * Plans removing `commits` of a cached repo the way huggingface_hub's
 * delete_revisions does: all of them → the repo folder; some → their snapshot
 * folders, the refs naming them, and only the blobs nothing else uses.
 */
export async function planCacheDeletion(hubCache: string, repoId: string, commits: string[] | "all"): Promise<CacheDeletion & { repo: CachedRepo }> {
  const repo = (await scanHubCache(hubCache)).repos.find((r) => r.type === "model" && r.repoId === repoId);
  if (!repo) throw new WhetError("model_not_found", `${repoId} is not in the cache`, "See `whet list` for cached models.");
  const targeted = commits === "all" ? repo.revisions.map((r) => r.commit) : commits;
  const wholeRepo = repo.revisions.every((r) => targeted.includes(r.commit));
  const refs = repo.revisions.filter((r) => targeted.includes(r.commit)).flatMap((r) => r.refs);
  const blobsDir = join(repo.path, "blobs");
  if (wholeRepo) {
    const blobs = await deletableBlobs((await readdir(blobsDir).catch(() => [])).map((b) => join(blobsDir, b)), blobsDir);
    return { repo, repoId, wholeRepo, commits: targeted, refs, blobs, freedBytes: await sizeOf(blobs) };
  }
  const kept = new Set<string>();
  for (const r of repo.revisions.filter((r) => !targeted.includes(r.commit))) for (const b of await blobsOf(r.snapshotPath, blobsDir)) kept.add(b);
  const dropped = new Set<string>();
  for (const r of repo.revisions.filter((r) => targeted.includes(r.commit))) {
    for (const b of await blobsOf(r.snapshotPath, blobsDir)) if (!kept.has(b)) dropped.add(b);
  }
  const blobs = await deletableBlobs(dropped, blobsDir);
  return { repo, repoId, wholeRepo, commits: targeted, refs, blobs, freedBytes: await sizeOf(blobs) };
}

/**
 * Carries out a plan: snapshots first, then refs, then blobs, so no link ever
 * points at a missing blob. Snapshot folders and refs come from the repo's own
 * listing (rm removes links, never what they point to); blobs only from its `blobs/`.
 */
export async function executeCacheDeletion(hubCache: string, plan: CacheDeletion & { repo: CachedRepo }): Promise<void> {
  if (plan.wholeRepo) {
    await rm(plan.repo.path, { recursive: true, force: true });
    await rm(join(hubCache, ".locks", basename(plan.repo.path)), { recursive: true, force: true });
    return;
  }
  for (const commit of plan.commits) await rm(join(plan.repo.path, "snapshots", commit), { recursive: true, force: true });
  for (const ref of plan.refs) await rm(join(plan.repo.path, "refs", ref), { force: true });
  for (const blob of await deletableBlobs(plan.blobs, join(plan.repo.path, "blobs"))) await rm(blob, { force: true });
}
