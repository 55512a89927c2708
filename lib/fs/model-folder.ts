import { realpath, type FileHandle } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, normalize, sep } from "node:path";
import { parseRepoFolderName } from "../cache/repo-folder";
import { isNotRegularFileError, openRegularFile, readBounded } from "./open-regular-file";
import { isInside } from "./path-inside";
import { unsafeFileError } from "./unsafe-file";

/**
 * A model folder as the file readers see it: its real path, and for an HF
 * cache snapshot (`models--org--name/snapshots/<commit>`) the real path of
 * that repo's `blobs/`, the one place outside the folder its links may lead.
 */
export interface ModelFolder {
  root: string;
  blobs: string | null;
}

/** Files a model folder may hold larger than this are never read whole (configs, tokenizers, indexes). */
export const MAX_TEXT_BYTES = 64 * 1024 ** 2;

export async function modelFolder(dir: string): Promise<ModelFolder> {
  const root = await realpath(dir);
  const snapshots = dirname(root);
  const repo = dirname(snapshots);
  const isSnapshot = basename(snapshots) === "snapshots" && parseRepoFolderName(basename(repo)) !== null;
  const blobs = isSnapshot ? await realpath(join(repo, "blobs")).catch(() => null) : null;
  return { root, blobs };
}

function isAllowed(real: string, folder: ModelFolder): boolean {
  return isInside(real, folder.root) || (folder.blobs !== null && isInside(real, folder.blobs));
}

/**
 * The real path of `rel` when it is inside the folder (or, for a snapshot, in
 * its repo's blobs); null when nothing is there or it is a broken link.
 * Throws an `unsafe_file` WhetError for a link out, a loop or a climbing path.
 */
export async function resolveModelFile(folder: ModelFolder, rel: string): Promise<string | null> {
  const normal = normalize(rel);
  if (isAbsolute(normal) || normal === ".." || normal.startsWith(`..${sep}`) || rel.includes("\0")) {
    throw unsafeFileError({ path: rel, reason: "link-outside" });
  }
  let real: string;
  try {
    real = await realpath(join(folder.root, normal));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw unsafeFileError({ path: rel, reason: "link-loop" });
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw error;
  }
  if (!isAllowed(real, folder)) throw unsafeFileError({ path: rel, reason: "link-outside" });
  return real;
}

/**
 * Opens a file of the folder for reading: only a regular file that stays
 * inside (see `resolveModelFile`), never a FIFO, socket or device (which
 * would block or never end). null when the file is not there.
 */
export async function openModelFile(folder: ModelFolder, rel: string): Promise<FileHandle | null> {
  const real = await resolveModelFile(folder, rel);
  if (real === null) return null;
  try {
    // The real path has no link left: O_NOFOLLOW catches one swapped in since.
    return await openRegularFile(real, { followLinks: false });
  } catch (error) {
    if (isNotRegularFileError(error)) throw unsafeFileError({ path: rel, reason: "not-regular-file" });
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** The bytes of a file of the folder (see `openModelFile`), at most `maxBytes`; null when it is not there. */
export async function readModelFile(folder: ModelFolder, rel: string, options: { maxBytes?: number } = {}): Promise<Buffer | null> {
  const handle = await openModelFile(folder, rel);
  if (handle === null) return null;
  try {
    const bytes = await readBounded(handle, options.maxBytes ?? MAX_TEXT_BYTES);
    if (bytes === null) throw unsafeFileError({ path: rel, reason: "too-large" });
    return bytes;
  } finally {
    await handle.close();
  }
}

export async function readModelText(folder: ModelFolder, rel: string, options: { maxBytes?: number } = {}): Promise<string | null> {
  return (await readModelFile(folder, rel, options))?.toString("utf8") ?? null;
}
