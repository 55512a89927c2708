import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** Bytes of every file below `dir`, following symlinks (cache snapshots count their blobs). */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory()) continue;
    total += (await stat(join(entry.parentPath, entry.name)).catch(() => null))?.size ?? 0;
  }
  return total;
}
