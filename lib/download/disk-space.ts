import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { WhetError } from "../errors";
import { formatBytes } from "../format/format-bytes";

/** Room kept free beyond the download itself: filesystems misbehave when completely full. */
export function diskMargin(bytes: number): number {
  return Math.max(256 << 20, Math.ceil(bytes * 0.02));
}

/** Free bytes for an unprivileged writer on the filesystem of `path` (or of its nearest existing parent). */
export async function freeBytes(path: string): Promise<number> {
  for (let dir = path; ; dir = dirname(dir)) {
    const info = await statfs(dir).catch(() => null);
    if (info) return info.bavail * info.bsize;
    if (dirname(dir) === dir) return Number.POSITIVE_INFINITY;
  }
}

/** Refuses, before any byte is fetched, a download that would not fit with its margin. */
export async function ensureDiskSpace(path: string, remaining: number, what: string): Promise<void> {
  if (remaining === 0) return;
  const needed = remaining + diskMargin(remaining);
  const available = await freeBytes(path);
  if (available < needed) {
    throw new WhetError(
      "insufficient_disk_space",
      `Not enough disk space for ${what}: ${formatBytes(needed, " ")} needed (${formatBytes(remaining, " ")} to download plus a margin), ${formatBytes(available, " ")} available in ${path}.`,
      "Free some space (`whet rm` removes cached models, `whet pull --clean` partial downloads), or narrow the download with --include/--exclude.",
      { needed, available },
    );
  }
}
