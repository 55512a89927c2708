import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { WhetError } from "../errors";
import { exclusionFor, type ExclusionRule } from "./push-exclusions";

export interface LocalFile {
  /** Posix path from the workspace root: the path in the repo. */
  path: string;
  absPath: string;
  size: number;
}

export interface ExcludedFile {
  /** A file, or a folder (ending in `/`) left out whole. */
  path: string;
  reason: string;
}

export interface PushFiles {
  files: LocalFile[];
  excluded: ExcludedFile[];
}

/** Bounds on what one push walks: a model has a few hundred files at most. */
const MAX_FILES = 100_000;
const MAX_DEPTH = 64;

/**
 * The workspace's files that a push would publish, sorted by path, and what
 * is left out and why. Only regular files are pushed: links are never
 * followed (they could point anywhere), and are reported as left out.
 */
export async function listPushFiles(workspace: string, rules: readonly ExclusionRule[]): Promise<PushFiles> {
  const files: LocalFile[] = [];
  const excluded: ExcludedFile[] = [];
  const walk = async (prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      throw new WhetError("workspace_too_deep", `Folders nest more than ${MAX_DEPTH} levels deep under ${prefix}`, "Flatten the workspace, or list the folder in .hfignore.");
    }
    const entries = await readdir(join(workspace, prefix), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const rule = exclusionFor(`${path}/`, rules);
        if (rule) excluded.push({ path: `${path}/`, reason: rule.reason });
        else await walk(path, depth + 1);
        continue;
      }
      const rule = exclusionFor(path, rules);
      if (rule) excluded.push({ path, reason: rule.reason });
      else if (!entry.isFile()) excluded.push({ path, reason: entry.isSymbolicLink() ? "a symbolic link (links are not followed)" : "not a regular file" });
      else {
        if (files.length >= MAX_FILES) {
          throw new WhetError("workspace_too_many_files", `The workspace holds more than ${MAX_FILES} files`, "List what should stay local in .hfignore.");
        }
        const info = await lstat(join(workspace, path));
        files.push({ path, absPath: join(workspace, path), size: info.size });
      }
    }
  };
  await walk("", 0);
  return { files, excluded };
}
