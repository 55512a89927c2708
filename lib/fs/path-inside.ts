import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";

/** True when `child` is `parent` or lies below it (both absolute, already resolved). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The real path of `path` even when it does not exist yet: the deepest existing
 * ancestor is resolved through symlinks and the rest appended, so a target
 * reached through a link into the cache is still recognised as inside it.
 */
export async function realPathLenient(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(/*turbopackIgnore: true*/ await realPathLenient(parent), basename(absolute));
  }
}
