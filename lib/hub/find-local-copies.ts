import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { scanHubCache } from "../cache/scan-hub-cache";
import { readSentinel } from "../workspace/sentinel";

export interface LocalCopies {
  /** Cached revisions of the repo; `current` when it is the commit the Hub shows now. */
  cache: { commit: string; refs: string[]; current: boolean }[];
  /** Workspaces whose sentinel says they were made from the repo (cloned, or converted from a clone). */
  workspaces: { name: string; commit: string | null; current: boolean }[];
}

/** Most workspaces looked at: each costs a sentinel read. */
const MAX_WORKSPACES = 2000;

/** Where `repoId` already is on this machine: the HF cache and the workspace root. */
export async function findLocalCopies(roots: { hubCache: string; workspaceRoot: string }, repoId: string, hubCommit: string): Promise<LocalCopies> {
  const wanted = repoId.toLowerCase();
  const { repos } = await scanHubCache(roots.hubCache);
  const cached = repos.find((r) => r.type === "model" && r.repoId.toLowerCase() === wanted);
  const cache = (cached?.revisions ?? []).map((r) => ({ commit: r.commit, refs: r.refs, current: r.commit === hubCommit }));

  const entries = (await readdir(roots.workspaceRoot, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .slice(0, MAX_WORKSPACES);
  const workspaces: LocalCopies["workspaces"] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const sentinel = await readSentinel(join(roots.workspaceRoot, entry.name));
    if (sentinel?.source_repo?.toLowerCase() !== wanted) continue;
    const commit = sentinel.source_revision ?? null;
    workspaces.push({ name: entry.name, commit, current: commit === hubCommit });
  }
  return { cache, workspaces };
}
