import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { checkModel } from "../health/check-model";
import { repoFolderName } from "./repo-folder";
import { scanHubCache } from "./scan-hub-cache";

/** What the HF cache already holds of a repository revision, without asking the Hub. */
export type CachedRevisionState =
  | { kind: "absent" }
  | { kind: "healthy"; commit: string }
  /** Partly there (an interrupted download) or damaged. */
  | { kind: "unhealthy"; commit: string | null; reason: string };

/**
 * The revision named by a ref or a commit; when the cache has the repository
 * but not that revision, an unfinished download of it (a snapshot no ref
 * names yet, or partial blobs) also counts as there but unhealthy.
 */
export async function cachedRevisionState(hubCache: string, repoId: string, revision: string): Promise<CachedRevisionState> {
  const repo = (await scanHubCache(hubCache)).repos.find((r) => r.type === "model" && r.repoId === repoId);
  if (!repo) return { kind: "absent" };
  const match = repo.revisions.find((r) => r.commit === revision || r.refs.includes(revision));
  if (match) {
    const health = await checkModel(match.snapshotPath, repoId);
    return health.healthy ? { kind: "healthy", commit: match.commit } : { kind: "unhealthy", commit: match.commit, reason: health.reason };
  }
  const partials = (await readdir(join(hubCache, repoFolderName(repoId), "blobs")).catch(() => [])).some((b) => b.endsWith(".incomplete"));
  for (const unnamed of repo.revisions.filter((r) => r.refs.length === 0)) {
    if (partials || !(await checkModel(unnamed.snapshotPath, repoId)).healthy) return { kind: "unhealthy", commit: unnamed.commit, reason: "Partial download detected" };
  }
  return partials ? { kind: "unhealthy", commit: null, reason: "Partial download detected" } : { kind: "absent" };
}
