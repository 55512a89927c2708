import { rm } from "node:fs/promises";
import { WhetError } from "../errors";
import { folderSize } from "../fs/folder-size";
import { assertNotBeingWritten, assertOutsideCache, existingWorkspace, type WorkspaceRoots } from "./existing-workspace";
import { readSentinel } from "./sentinel";

/**
 * Why a folder may not be deleted as a workspace, thrown: Whetstone deletes
 * only managed workspaces (a sentinel with `managed: true`), never anything
 * in the HF cache, never one a convert is still writing.
 */
export async function assertDeletableWorkspace(path: string, name: string, hubCache: string): Promise<void> {
  await assertOutsideCache(path, hubCache);
  const sentinel = await readSentinel(path);
  if (!sentinel?.managed) {
    throw new WhetError("workspace_unmanaged", `${path} is not a managed workspace`, "Whetstone deletes only folders it created; delete this one yourself if you mean to.");
  }
  assertNotBeingWritten(name, sentinel);
}

/** Deletes the managed workspace `name` from the workspace root; returns the bytes freed. */
export async function deleteWorkspace(name: string, roots: WorkspaceRoots): Promise<{ name: string; path: string; freedBytes: number }> {
  const path = await existingWorkspace(name, roots);
  await assertDeletableWorkspace(path, name, roots.hubCache);
  const freedBytes = await folderSize(path);
  await rm(path, { recursive: true, force: true });
  return { name, path, freedBytes };
}
