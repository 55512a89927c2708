import { mkdir, readdir, realpath, rename, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { WhetError } from "../errors";
import { assertNotBeingWritten, existingWorkspace, type WorkspaceRoots } from "./existing-workspace";
import { readSentinel, updateSentinel } from "./sentinel";
import { workspaceTarget } from "./workspace-target";

export interface RenameResult {
  from: string;
  to: string;
  path: string;
  /** Workspaces made from this one whose sentinel now points at the new folder. */
  relinked: string[];
}

function taken(to: string): WhetError {
  return new WhetError("workspace_exists", `A workspace called ${to} already exists`, "Choose another name, or delete that workspace first.", { field: "to" });
}

/**
 * Renames a workspace in the workspace root, atomically, never over an
 * existing folder: the new name is claimed with an exclusive mkdir and the
 * workspace is renamed onto that empty folder (rename(2) replaces only an
 * empty directory, so anything written there meanwhile makes it fail).
 * Workspaces converted from this one keep their lineage: their sentinel's
 * `source_path` follows the rename.
 */
export async function renameWorkspace(from: string, to: string, roots: WorkspaceRoots): Promise<RenameResult> {
  const source = await existingWorkspace(from, roots);
  const target = workspaceTarget(to, roots.workspaceRoot);
  if (target === source) throw new WhetError("same_name", `${from} is already called ${to}`, "Type a different name.", { field: "to" });
  assertNotBeingWritten(from, await readSentinel(source));
  // Convert records its source through links resolved; a child may name either form.
  const realSource = await realpath(source);
  try {
    await mkdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw taken(to);
    throw error;
  }
  try {
    await rename(source, target);
  } catch (error) {
    await rmdir(target).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") throw taken(to);
    throw new WhetError("rename_failed", `Could not rename ${from} to ${to} (${code ?? "error"})`, "Check that the workspace root is writable and nothing holds the folder open.");
  }
  const moves = new Map([
    [source, target],
    [realSource, await realpath(target)],
  ]);
  return { from, to, path: target, relinked: await relinkChildren(moves, roots.workspaceRoot) };
}

/** Points each workspace whose sentinel names a moved folder (`source_path`) at its new place. */
async function relinkChildren(moves: Map<string, string>, workspaceRoot: string): Promise<string[]> {
  const relinked: string[] = [];
  const entries = await readdir(workspaceRoot, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dir = join(workspaceRoot, entry.name);
    const sentinel = await readSentinel(dir);
    const moved = typeof sentinel?.source_path === "string" ? moves.get(sentinel.source_path) : undefined;
    if (moved === undefined) continue;
    // The rename has happened: a child that cannot be relinked keeps its old lineage, and the rest go on.
    const done = await updateSentinel(dir, { source_path: moved }).then(() => true, () => false);
    if (done) relinked.push(entry.name);
  }
  return relinked;
}
