import { WhetError } from "../errors";
import { isNotRegularFileError, openRegularFile, readBounded } from "../fs/open-regular-file";
import { parseHostfile, type Hostfile } from "./hostfile";

const MAX_BYTES = 256 * 1024;

/** A hostfile from disk (`--hostfile FILE`): a regular file, bounded, then parsed like any other. */
export async function readHostfile(path: string): Promise<Hostfile> {
  let handle;
  try {
    handle = await openRegularFile(path);
  } catch (error) {
    if (isNotRegularFileError(error)) throw error;
    throw new WhetError("hostfile_missing", `Cannot read the hostfile ${path}: ${(error as NodeJS.ErrnoException).code ?? "unreadable"}`, "Give the path of an mlx.launch hostfile (JSON).");
  }
  try {
    const bytes = await readBounded(handle, MAX_BYTES);
    if (bytes === null) throw new WhetError("hostfile_invalid", `The hostfile ${path} is larger than ${MAX_BYTES / 1024} KiB`, "A hostfile lists a few machines: check that this is the right file.");
    return parseHostfile(bytes.toString("utf8"));
  } finally {
    await handle.close();
  }
}
