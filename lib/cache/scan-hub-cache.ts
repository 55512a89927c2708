import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { openRegularFile, readBounded } from "../fs/open-regular-file";
import { parseRepoFolderName, type RepoType } from "./repo-folder";

export interface CachedRevision {
  commit: string;
  /** Refs (branches, tags, `refs/pr/1`) pointing at this commit. */
  refs: string[];
  snapshotPath: string;
  lastModified: Date;
}

export interface CachedRepo {
  repoId: string;
  type: RepoType;
  path: string;
  revisions: CachedRevision[];
}

export interface CacheScan {
  repos: CachedRepo[];
  /** Entries huggingface_hub's scan_cache_dir would also report as corrupted. */
  warnings: { path: string; message: string }[];
}

/** Root entries that are cache infrastructure, not repositories. */
const IGNORED = new Set([".locks", "CACHEDIR.TAG", "blobs", ".DS_Store", "Thumbs.db", "desktop.ini"]);

/** Refs are `main`, `v1`, `refs/pr/1`: a few levels, a commit hash each. */
const MAX_REF_DEPTH = 8;
const MAX_REF_BYTES = 256;

/** A ref file's commit, or null for anything that is not a small regular file (a FIFO would block, a link could lead anywhere). */
async function readRef(path: string): Promise<string | null> {
  const handle = await openRegularFile(path, { followLinks: false }).catch(() => null);
  if (!handle) return null;
  try {
    return (await readBounded(handle, MAX_REF_BYTES))?.toString("utf8").trim() ?? null;
  } finally {
    await handle.close();
  }
}

async function readRefs(refsDir: string, prefix = "", depth = 0): Promise<Map<string, string>> {
  const refs = new Map<string, string>();
  const entries = await readdir(join(refsDir, prefix), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (depth < MAX_REF_DEPTH) for (const [k, v] of await readRefs(refsDir, name, depth + 1)) refs.set(k, v);
    } else if (entry.isFile()) {
      const commit = await readRef(join(refsDir, name));
      if (commit !== null) refs.set(name, commit);
    }
  }
  return refs;
}

/**
 * Reads the hub cache the way huggingface_hub lays it out:
 * `<type>s--<org>--<name>/{refs,snapshots,blobs}`. Reads only directory
 * listings and ref files.
 */
export async function scanHubCache(hubCache: string): Promise<CacheScan> {
  const scan: CacheScan = { repos: [], warnings: [] };
  const entries = await readdir(hubCache, { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (IGNORED.has(entry.name)) continue;
    const path = join(hubCache, entry.name);
    if (!entry.isDirectory()) {
      scan.warnings.push({ path, message: "Repo path is not a directory" });
      continue;
    }
    const parsed = parseRepoFolderName(entry.name);
    if (!parsed) {
      scan.warnings.push({ path, message: "Repo path is not a valid HuggingFace cache directory" });
      continue;
    }
    const snapshotsDir = join(path, "snapshots");
    const snapshots = await readdir(snapshotsDir, { withFileTypes: true }).catch(() => null);
    if (!snapshots) {
      scan.warnings.push({ path, message: "Snapshots dir doesn't exist in cached repo" });
      continue;
    }
    const refs = await readRefs(join(path, "refs"));
    const revisions: CachedRevision[] = [];
    for (const snapshot of snapshots) {
      if (!snapshot.isDirectory()) {
        scan.warnings.push({ path, message: `Snapshots folder corrupted. Found a file: ${snapshot.name}` });
        continue;
      }
      const snapshotPath = join(snapshotsDir, snapshot.name);
      const info = await stat(snapshotPath);
      revisions.push({
        commit: snapshot.name,
        refs: [...refs].filter(([, commit]) => commit === snapshot.name).map(([ref]) => ref).sort(),
        snapshotPath,
        lastModified: info.mtime,
      });
    }
    const dangling = [...refs].filter(([, commit]) => !revisions.some((r) => r.commit === commit));
    if (dangling.length > 0) {
      scan.warnings.push({ path, message: `Reference(s) refer to missing commit hashes: ${dangling.map(([, c]) => c).join(", ")}` });
    }
    revisions.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime());
    scan.repos.push({ ...parsed, path, revisions });
  }
  return scan;
}

/** The revision a bare `org/name` means: what `refs/main` points to, else the newest snapshot. */
export function defaultRevision(repo: CachedRepo): CachedRevision | undefined {
  return repo.revisions.find((r) => r.refs.includes("main")) ?? repo.revisions[0];
}
