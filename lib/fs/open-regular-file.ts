import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { WhetError } from "../errors";

/**
 * Opens `path` for reading only if it is a regular file. O_NONBLOCK makes the
 * open of a FIFO return at once (instead of waiting for a writer) so fstat can
 * refuse it; with `followLinks: false` a link in the last component fails.
 */
export async function openRegularFile(path: string, options: { followLinks?: boolean } = {}): Promise<FileHandle> {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.followLinks === false ? (constants.O_NOFOLLOW ?? 0) : 0);
  let handle: FileHandle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A socket cannot be opened (ENXIO); O_NOFOLLOW on a link fails with ELOOP.
    if (code === "ENXIO" || code === "ELOOP" || code === "EISDIR") throw notRegular(path);
    throw error;
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw notRegular(path);
  }
  return handle;
}

function notRegular(path: string): WhetError {
  return new WhetError("not_regular_file", `${path} is not a regular file`, "Give a regular file (not a FIFO, socket, device or folder).", { file: path });
}

export function isNotRegularFileError(error: unknown): boolean {
  return error instanceof WhetError && error.code === "not_regular_file";
}

/**
 * Reads a whole open file of at most `maxBytes`; `null` when it holds more
 * (read until end of file, since a file can grow after fstat).
 */
export async function readBounded(handle: FileHandle, maxBytes: number): Promise<Buffer | null> {
  const { size } = await handle.stat();
  if (size > maxBytes) return null;
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(Math.max(size - total, 64 * 1024), maxBytes + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return null;
  }
  return Buffer.concat(chunks, total);
}
