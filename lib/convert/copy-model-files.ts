import { mkdir, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { copyFileCow } from "../fs/copy-file-cow";
import { SENTINEL_FILE } from "../workspace/sentinel";

/** Tool state and version-control folders that are not part of a model. */
const SKIPPED_DIRS = new Set([".git", ".hf_cache", ".cache", "__pycache__", "node_modules"]);

/** Lists the files of a model folder (posix paths, sorted), following symlinks the way a copy does. */
export async function listModelFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...(await listModelFiles(dir, rel)));
    } else if (rel !== SENTINEL_FILE) {
      out.push(rel);
    }
  }
  return out;
}

/** Copies `files` (relative paths) from one folder to another with copy-on-write where possible. */
export async function copyModelFiles(
  from: string,
  to: string,
  files: readonly string[],
  signal?: AbortSignal,
  onFile?: (file: string) => void,
): Promise<void> {
  for (const file of files) {
    signal?.throwIfAborted();
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFileCow(join(from, file), join(to, file));
    onFile?.(file);
  }
}
