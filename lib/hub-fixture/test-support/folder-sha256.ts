import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * sha256 of every file below `dir` by posix path, following symlinks, so a
 * cache snapshot (links into blobs/) compares equal to the folder it came from.
 */
export async function folderSha256(dir: string): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  const walk = async (prefix: string): Promise<void> => {
    for (const name of (await readdir(join(dir, prefix))).sort()) {
      const path = prefix ? `${prefix}/${name}` : name;
      if ((await stat(join(dir, path))).isDirectory()) await walk(path);
      else digests[path] = createHash("sha256").update(await readFile(join(dir, path))).digest("hex");
    }
  };
  await walk("");
  return digests;
}
