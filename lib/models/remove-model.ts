import { rm } from "node:fs/promises";
import { folderSize } from "../fs/folder-size";
import { executeCacheDeletion, planCacheDeletion } from "../cache/delete-revision";
import { WhetError } from "../errors";
import { readSentinel } from "../workspace/sentinel";
import { resolveModel, type ModelRoots, type ResolveOptions } from "./resolve-model";

export interface RemoveResult {
  model: string;
  kind: "cache" | "workspace";
  action: "deleted" | "requires_confirmation";
  message: string;
  /** Commits removed from the cache (one for `org/name@rev`, all otherwise). */
  commits: string[];
  freedBytes: number;
}

/**
 * `rm SPEC`: a cached model (all revisions), one cached revision (`@rev`:
 * only that snapshot, its refs and the blobs nothing else uses), or a managed
 * workspace. A name matched fuzzily is only deleted with `force`.
 */
export async function removeModel(spec: string, roots: ModelRoots, options: { force?: boolean } & ResolveOptions = {}): Promise<RemoveResult> {
  const resolved = await resolveModel(spec, roots, { allowPaths: options.allowPaths === true });
  const at = spec.lastIndexOf("@");
  const base = at === -1 ? spec : spec.slice(0, at);
  if (resolved.kind === "workspace") {
    const sentinel = await readSentinel(resolved.path);
    if (!sentinel?.managed) {
      throw new WhetError("workspace_unmanaged", `${resolved.path} is not a managed workspace`, "Whetstone deletes only folders it created; delete this one yourself if you mean to.");
    }
    const exact = base === resolved.name || base === resolved.path;
    if (!exact && !options.force) {
      return { model: resolved.path, kind: "workspace", action: "requires_confirmation", message: `Would delete workspace '${resolved.name}' (matched from '${spec}'); add --force`, commits: [], freedBytes: 0 };
    }
    const size = await folderSize(resolved.path);
    await rm(resolved.path, { recursive: true, force: true });
    return { model: resolved.path, kind: "workspace", action: "deleted", message: `Deleted workspace ${resolved.path}`, commits: [], freedBytes: size };
  }
  const plan = await planCacheDeletion(roots.hubCache, resolved.repoId, at === -1 ? "all" : [resolved.commit]);
  const label = at === -1 ? resolved.repoId : `${resolved.repoId}@${resolved.commit.slice(0, 8)}`;
  if (base !== resolved.repoId && !options.force) {
    return { model: resolved.repoId, kind: "cache", action: "requires_confirmation", message: `Would delete '${label}' (matched from '${spec}'); add --force`, commits: plan.commits, freedBytes: plan.freedBytes };
  }
  await executeCacheDeletion(roots.hubCache, plan);
  return {
    model: resolved.repoId,
    kind: "cache",
    action: "deleted",
    message: plan.wholeRepo ? `Deleted entire model ${resolved.repoId}` : `Deleted ${label}`,
    commits: plan.commits,
    freedBytes: plan.freedBytes,
  };
}
