import { lstat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CONVERT_WRITING } from "../convert/prepare-target";
import { WhetError } from "../errors";
import { isInside, realPathLenient } from "../fs/path-inside";
import { processAlive } from "../fs/process-alive";
import type { Sentinel } from "./sentinel";

export interface WorkspaceRoots {
  workspaceRoot: string;
  hubCache: string;
}

/** A folder name as the workspace listing shows it: one segment, never `.`, `..`, a hidden folder or a home path. */
const LISTED_NAME = /^[^./~\\\u0000-\u001f][^/\\\u0000-\u001f]{0,127}$/;

function notFound(name: string): WhetError {
  return new WhetError("workspace_not_found", `No workspace called '${name.slice(0, 200)}'`, "Pick a workspace from the Models page or `whet list`.");
}

/**
 * The folder of the existing workspace `name`: a real folder (not a link)
 * directly in the workspace root, and never inside the HF cache, whatever
 * the roots are set to. Names that are paths (`..`, `a/b`, `~`) are refused
 * before anything is read.
 */
export async function existingWorkspace(name: string, roots: WorkspaceRoots): Promise<string> {
  if (!LISTED_NAME.test(name)) {
    throw new WhetError("invalid_workspace_name", `'${name.slice(0, 200)}' is not a workspace name`, "Name a workspace from the workspace list, not a path.");
  }
  const root = resolve(roots.workspaceRoot);
  const path = join(root, name);
  const info = await lstat(path).catch(() => null);
  if (!info?.isDirectory()) throw notFound(name);
  await assertOutsideCache(path, roots.hubCache);
  return path;
}

/** Whetstone changes workspaces; the HF cache belongs to huggingface_hub's layout and is only changed by `rm`. */
export async function assertOutsideCache(path: string, hubCache: string): Promise<void> {
  if (isInside(await realPathLenient(path), await realPathLenient(hubCache))) {
    throw new WhetError("inside_hf_cache", `${path} is inside the HF cache, not a workspace`, "Cached models are removed with `whet rm ORG/NAME`; workspaces live in the workspace root.");
  }
}

/** A convert still writing into the folder (its writer alive): moving or deleting it now would break that job. */
export function assertNotBeingWritten(name: string, sentinel: Sentinel | null): void {
  if (sentinel?.convert_status === CONVERT_WRITING && processAlive(sentinel.writer_pid)) {
    throw new WhetError("workspace_busy", `${name} is still being written by a convert`, "Wait for the job to finish (or cancel it on the Jobs page), then try again.");
  }
}
