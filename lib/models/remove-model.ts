import { rm } from "node:fs/promises";
import { folderSize } from "../fs/folder-size";
import { executeCacheDeletion, planCacheDeletion } from "../cache/delete-revision";
import { WhetError } from "../errors";
import { assertDeletableWorkspace } from "../workspace/delete-workspace";
import { resolveModel, type ModelRoots, type ResolveOptions } from "./resolve-model";

export interface RemoveResult {
  model: string;
  kind: "cache" | "workspace";
  action: "deleted" | "requires_confirmation" | "cancelled";
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
export interface RemoveOptions extends ResolveOptions {
  /** Delete a name matched fuzzily without asking. */
  force?: boolean;
  /** Workspaces are deleted only when this says so (mlx-knife's rm never deletes them). */
  workspaces?: boolean;
  /** Asked with what is about to be deleted; false leaves everything as it is. */
  confirm?: (what: string, bytes: number) => Promise<boolean>;
}

export async function removeModel(spec: string, roots: ModelRoots, options: RemoveOptions = {}): Promise<RemoveResult> {
  const resolved = await resolveModel(spec, roots, { allowPaths: options.allowPaths === true });
  const at = spec.lastIndexOf("@");
  const base = at === -1 ? spec : spec.slice(0, at);
  if (resolved.kind === "workspace") {
    if (!options.workspaces) {
      throw new WhetError("workspace_not_removed", `'${resolved.name}' is a workspace, not a cached model`, `To delete the workspace itself, run: whet rm ${resolved.name} --workspace`);
    }
    await assertDeletableWorkspace(resolved.path, resolved.name, roots.hubCache);
    const exact = base === resolved.name || base === resolved.path;
    if (!exact && !options.force) {
      return { model: resolved.path, kind: "workspace", action: "requires_confirmation", message: `Would delete workspace '${resolved.name}' (matched from '${spec}'); add --force`, commits: [], freedBytes: 0 };
    }
    const size = await folderSize(resolved.path);
    if (options.confirm && !(await options.confirm(`workspace ${resolved.path}`, size))) {
      return { model: resolved.path, kind: "workspace", action: "cancelled", message: "Nothing was deleted", commits: [], freedBytes: 0 };
    }
    await rm(resolved.path, { recursive: true, force: true });
    return { model: resolved.path, kind: "workspace", action: "deleted", message: `Deleted workspace ${resolved.path}`, commits: [], freedBytes: size };
  }
  const plan = await planCacheDeletion(roots.hubCache, resolved.repoId, at === -1 ? "all" : [resolved.commit]);
  const label = at === -1 ? resolved.repoId : `${resolved.repoId}@${resolved.commit.slice(0, 8)}`;
  if (base !== resolved.repoId && !options.force) {
    return { model: resolved.repoId, kind: "cache", action: "requires_confirmation", message: `Would delete '${label}' (matched from '${spec}'); add --force`, commits: plan.commits, freedBytes: plan.freedBytes };
  }
  if (options.confirm && !(await options.confirm(plan.wholeRepo ? `${resolved.repoId} (every revision) from the HF cache` : `${label} from the HF cache`, plan.freedBytes))) {
    return { model: resolved.repoId, kind: "cache", action: "cancelled", message: "Nothing was deleted", commits: plan.commits, freedBytes: 0 };
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
