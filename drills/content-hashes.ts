import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SENTINEL_FILE } from "../lib/workspace/sentinel";

/**
 * sha256 of every file below `dir` by relative path, following links (a cache
 * snapshot's files are links into blobs/); the workspace sentinel, which
 * records times, is left out. Null when `dir` does not exist.
 */
export async function contentHashes(dir: string): Promise<Record<string, string> | null> {
  if (!(await stat(dir).catch(() => null))) return null;
  const out: Record<string, string> = {};
  const walk = async (prefix: string): Promise<void> => {
    for (const name of (await readdir(join(dir, prefix))).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      if (rel === SENTINEL_FILE) continue;
      const info = await stat(join(dir, rel)).catch(() => null);
      if (!info) out[rel] = "dangling";
      else if (info.isDirectory()) await walk(rel);
      else out[rel] = createHash("sha256").update(await readFile(join(dir, rel))).digest("hex");
    }
  };
  await walk("");
  return out;
}
