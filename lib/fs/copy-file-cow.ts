import { constants } from "node:fs";
import { copyFile } from "node:fs/promises";

/**
 * Copies a file as a copy-on-write clone where the filesystem supports it
 * (APFS, btrfs, XFS reflink) and as a plain copy elsewhere: COPYFILE_FICLONE
 * falls back by itself, unlike COPYFILE_FICLONE_FORCE.
 */
export async function copyFileCow(from: string, to: string): Promise<void> {
  await copyFile(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL);
}
