import { createHash } from "node:crypto";
import { lstat, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

/** sha256 of every file below `dir` (relative path → digest), to prove a tree was not touched. */
export async function hashTree(dir: string, prefix = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await hashTree(dir, rel));
    else {
      const info = await lstat(join(dir, rel));
      out[rel] = `${createHash("sha256").update(await readFile(join(dir, rel))).digest("hex")}:${info.mtimeMs}`;
    }
  }
  return out;
}
