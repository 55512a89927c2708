import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { checkModel } from "../health/check-model";
import { repoFolderName } from "./repo-folder";
import { scanHubCache } from "./scan-hub-cache";

/** What the HF cache already holds of a repository revision, without asking the Hub. */
export type CachedRevisionState =
  | { kind: "absent" }
  | { kind: "healthy"; commit: string }
  /** An interrupted download left partial files: pulling again resumes them. */
  | { kind: "partial"; commit: string | null }
  /** There, but damaged or broken upstream, with nothing to resume. */
  | { kind: "unhealthy"; commit: string; reason: string };

/**
 * The revision named by a ref or a commit, as `whet pull` finds it before
 * deciding to download: healthy, partly downloaded (`.incomplete` blobs
 * remain), or unhealthy. An interrupted first pull has written no ref yet: its
 * partial blobs still count.
 */
export async function cachedRevisionState(hubCache: string, repoId: string, revision: string): Promise<CachedRevisionState> {
  const repo = (await scanHubCache(hubCache)).repos.find((r) => r.type === "model" && r.repoId === repoId);
  const partials = (await readdir(join(hubCache, repoFolderName(repoId), "blobs")).catch(() => [])).some((b) => b.endsWith(".incomplete"));
  const match = repo?.revisions.find((r) => r.commit === revision || r.refs.includes(revision));
  if (match) {
    const health = await checkModel(match.snapshotPath, repoId);
    if (health.healthy) return { kind: "healthy", commit: match.commit };
    return partials ? { kind: "partial", commit: match.commit } : { kind: "unhealthy", commit: match.commit, reason: health.reason };
  }
  return partials ? { kind: "partial", commit: null } : { kind: "absent" };
}
