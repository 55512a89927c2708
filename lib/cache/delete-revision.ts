import { lstat, readdir, readlink, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
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

/** Blob paths a snapshot's symlinks point to (resolved one hop, as the cache lays them out). */
async function blobsOf(snapshot: string, prefix = ""): Promise<Set<string>> {
  const used = new Set<string>();
  for (const entry of await readdir(join(snapshot, prefix), { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? join(prefix, entry.name) : entry.name;
    const full = join(snapshot, rel);
    if (entry.isDirectory()) for (const b of await blobsOf(snapshot, rel)) used.add(b);
    else if (entry.isSymbolicLink()) used.add(resolve(join(full, ".."), await readlink(full)));
  }
  return used;
}

async function sizeOf(paths: Iterable<string>): Promise<number> {
  let total = 0;
  for (const path of paths) total += (await stat(path).catch(() => null))?.size ?? 0;
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
  if (wholeRepo) {
    const blobs = (await readdir(join(repo.path, "blobs")).catch(() => [])).map((b) => join(repo.path, "blobs", b));
    return { repo, repoId, wholeRepo, commits: targeted, refs, blobs, freedBytes: await sizeOf(blobs) };
  }
  const kept = new Set<string>();
  for (const r of repo.revisions.filter((r) => !targeted.includes(r.commit))) for (const b of await blobsOf(r.snapshotPath)) kept.add(b);
  const dropped = new Set<string>();
  for (const r of repo.revisions.filter((r) => targeted.includes(r.commit))) {
    for (const b of await blobsOf(r.snapshotPath)) if (!kept.has(b)) dropped.add(b);
  }
  return { repo, repoId, wholeRepo, commits: targeted, refs, blobs: [...dropped].sort(), freedBytes: await sizeOf(dropped) };
}

/** Carries out a plan: snapshots first, then refs, then blobs, so no link ever points at a missing blob. */
export async function executeCacheDeletion(hubCache: string, plan: CacheDeletion & { repo: CachedRepo }): Promise<void> {
  if (plan.wholeRepo) {
    await rm(plan.repo.path, { recursive: true, force: true });
    await rm(join(hubCache, ".locks", basename(plan.repo.path)), { recursive: true, force: true });
    return;
  }
  for (const commit of plan.commits) await rm(join(plan.repo.path, "snapshots", commit), { recursive: true, force: true });
  for (const ref of plan.refs) await rm(join(plan.repo.path, "refs", ref), { force: true });
  for (const blob of plan.blobs) if ((await lstat(blob).catch(() => null))?.isFile()) await rm(blob, { force: true });
}
