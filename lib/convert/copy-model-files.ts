import { mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { copyFileCow } from "../fs/copy-file-cow";
import { modelFolder, resolveModelFile } from "../fs/model-folder";
import { unsafeFileError } from "../fs/unsafe-file";
import { walkModelFolder } from "../fs/walk-model-folder";
import { SENTINEL_FILE } from "../workspace/sentinel";

/**
 * The files of a model folder (posix paths, sorted), as the safe walk finds
 * them: regular files inside it (a snapshot's blobs included), tool folders
 * and the workspace sentinel left out. A folder with a link out, a loop or a
 * FIFO is refused, naming the entry: nothing of it is copied or converted.
 */
export async function listModelFiles(dir: string): Promise<string[]> {
  const walk = await walkModelFolder(await modelFolder(dir));
  const unsafe = walk.unsafe[0];
  if (unsafe) throw unsafeFileError(unsafe);
  return walk.files.filter((f) => f.path !== SENTINEL_FILE).map((f) => f.path);
}

/**
 * Copies `files` (relative paths) from one model folder to another with
 * copy-on-write where possible. Each source is resolved through the safe
 * reader first, so a link out of the folder or a FIFO is refused, not copied.
 */
export async function copyModelFiles(
  from: string,
  to: string,
  files: readonly string[],
  signal?: AbortSignal,
  onFile?: (file: string) => void,
): Promise<void> {
  const source = await modelFolder(from);
  for (const file of files) {
    signal?.throwIfAborted();
    const real = await resolveModelFile(source, file);
    if (real !== null && !(await stat(real)).isFile()) throw unsafeFileError({ path: file, reason: "not-regular-file" });
    await mkdir(dirname(join(to, file)), { recursive: true });
    await copyFileCow(real ?? join(from, file), join(to, file));
    onFile?.(file);
  }
}
