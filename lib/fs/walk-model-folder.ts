import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ModelFolder } from "./model-folder";
import { isInside } from "./path-inside";
import type { UnsafeEntry } from "./unsafe-file";

export interface WalkedFile {
  /** Posix path relative to the folder. */
  path: string;
  size: number;
  /** A link whose target is missing (a cache snapshot that lost its blob). */
  brokenLink: boolean;
}

export interface FolderWalk {
  /** Regular files inside the folder (or a snapshot's blobs), in walk order: each folder's entries by name. */
  files: WalkedFile[];
  /** Entries not read or walked, and why. */
  unsafe: UnsafeEntry[];
}

export interface WalkOptions {
  /** Folder names not descended into; TOOL_FOLDERS by default. */
  skipDirs?: ReadonlySet<string>;
  maxDepth?: number;
  maxEntries?: number;
}

/** Folders that are tool state or version control, not model content. */
export const TOOL_FOLDERS: ReadonlySet<string> = new Set([".git", ".hf_cache", ".cache", "__pycache__", "node_modules"]);

/** Real models are a few folders deep and hold hundreds of files; these leave room and stop hostile trees. */
export const MAX_WALK_DEPTH = 16;
export const MAX_WALK_ENTRIES = 100_000;

/**
 * Lists the files of a model folder without ever following a link to a
 * folder or out of it, so a link to `/`, `x -> .` loops or a FIFO cost one
 * entry each, and depth and entry count are bounded. A cache snapshot's links
 * into its own repo's blobs count as its files.
 */
export async function walkModelFolder(folder: ModelFolder, options: WalkOptions = {}): Promise<FolderWalk> {
  const { skipDirs = TOOL_FOLDERS, maxDepth = MAX_WALK_DEPTH, maxEntries = MAX_WALK_ENTRIES } = options;
  const walk: FolderWalk = { files: [], unsafe: [] };
  let seen = 0;
  const allowed = (real: string) => isInside(real, folder.root) || (folder.blobs !== null && isInside(real, folder.blobs));

  async function visit(prefix: string, depth: number): Promise<boolean> {
    const entries = await readdir(join(folder.root, prefix), { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (++seen > maxEntries) {
        walk.unsafe.push({ path: ".", reason: "too-many-entries" });
        return false;
      }
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(folder.root, rel);
      if (entry.isDirectory()) {
        if (skipDirs.has(entry.name)) continue;
        if (depth + 1 > maxDepth) walk.unsafe.push({ path: rel, reason: "too-deep" });
        else if (!(await visit(rel, depth + 1))) return false;
      } else if (entry.isFile()) {
        const info = await lstat(full).catch(() => null);
        if (info) walk.files.push({ path: rel, size: info.size, brokenLink: false });
      } else if (entry.isSymbolicLink()) {
        await visitLink(rel, full);
      } else {
        walk.unsafe.push({ path: rel, reason: "not-regular-file" });
      }
    }
    return true;
  }

  async function visitLink(rel: string, full: string): Promise<void> {
    let real: string;
    try {
      real = await realpath(full);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") walk.unsafe.push({ path: rel, reason: "link-loop" });
      else walk.files.push({ path: rel, size: (await lstat(full).catch(() => null))?.size ?? 0, brokenLink: true });
      return;
    }
    if (!allowed(real)) return void walk.unsafe.push({ path: rel, reason: "link-outside" });
    const info = await stat(real).catch(() => null);
    if (info?.isFile()) walk.files.push({ path: rel, size: info.size, brokenLink: false });
    else walk.unsafe.push({ path: rel, reason: info?.isDirectory() ? "link-to-folder" : "not-regular-file" });
  }

  await visit("", 0);
  return walk;
}
