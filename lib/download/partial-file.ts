import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from "node:fs/promises";
import { z } from "zod";
import { WhetError } from "../errors";
import { addRange, coveredBytes, type Ranges } from "./range-set";

/** Where a file is being written and where its record of received ranges lives. */
export interface PartialPaths {
  data: string;
  record: string;
}

/**
 * The record is rewritten after this share of the bytes already done (at least
 * FLUSH_MIN_BYTES) or FLUSH_MS, whichever comes first: a kill loses at most
 * that (0.4% of what was done, or 256 KiB), for a few hundred record writes
 * per file.
 */
const FLUSH_SHARE = 0.004;
const FLUSH_MIN_BYTES = 256 << 10;
const FLUSH_MS = 500;
const MAX_RANGES = 100_000;
const FORMAT = "whet-partial/1";

const recordSchema = z.object({
  format: z.literal(FORMAT),
  etag: z.string(),
  size: z.number().int().nonnegative(),
  done: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).max(MAX_RANGES),
});

/** A record's ranges, if it describes this blob and they are sorted, disjoint and inside the file. */
async function readRecord(path: string, etag: string, size: number): Promise<Ranges | null> {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(await readFile(path, "utf8")));
    if (!parsed.success || parsed.data.etag !== etag || parsed.data.size !== size) return null;
    let previousEnd = -1;
    for (const [start, end] of parsed.data.done) {
      if (start <= previousEnd || end <= start || end > size) return null;
      previousEnd = end;
    }
    return parsed.data.done;
  } catch {
    return null;
  }
}

export interface PartialFile {
  /** Ranges written to disk (and so safe to claim in the record). */
  readonly done: Ranges;
  readonly size: number;
  /** Writes `bytes` at `position`, then counts them as done. */
  write(bytes: Uint8Array, position: number): Promise<void>;
  /** Persists the record now (coalesced with any write already under way). */
  flush(): Promise<void>;
  /** Forgets every range: the file is fetched again from scratch. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (or creates, preallocated to `size`) the partial file of one blob.
 * The record lists the byte ranges already written; it is updated only after
 * the data it claims is written, so after a kill the record may lag behind
 * the data but never run ahead of it. A partial without a valid record, or of
 * the wrong size, is started over.
 */
export async function openPartial(paths: PartialPaths, etag: string, size: number): Promise<PartialFile> {
  let done = await readRecord(paths.record, etag, size);
  const existing = await stat(paths.data).catch(() => null);
  if (done === null || !existing?.isFile() || existing.size !== size) {
    done = [];
    await rm(paths.data, { force: true });
    // The empty record first: a data file never exists without a record that under-claims it.
    await writeRecord(paths.record, etag, size, done);
    const created = await open(paths.data, "w");
    await created.truncate(size);
    await created.close();
  }
  const handle: FileHandle = await open(paths.data, "r+");
  const record = await open(paths.record, "r+");
  // A record is rewritten in place, padded to the longest one written: JSON allows the trailing spaces.
  let recordLength = (await record.stat()).size;
  let unflushed = 0;
  let covered = coveredBytes(done);
  let lastFlush = performance.now();
  let chain = Promise.resolve();
  let queued = false;
  /** A record write that failed: the next write or close reports it. */
  let flushError: WhetError | null = null;

  const flush = (): Promise<void> => {
    if (queued) return chain;
    queued = true;
    chain = chain.then(async () => {
      queued = false;
      unflushed = 0;
      lastFlush = performance.now();
      const text = JSON.stringify({ format: FORMAT, etag, size, done });
      recordLength = Math.max(recordLength, text.length);
      // One write, finished or not done at all when the process is killed: a record is never torn by a kill.
      await record.write(text.padEnd(recordLength), 0).catch((error: unknown) => {
        flushError ??= diskError(paths.record, error);
      });
    });
    return chain;
  };
  const flushed = async () => {
    await flush();
    if (flushError) throw flushError;
  };

  return {
    get done() {
      return done as Ranges;
    },
    size,
    async write(bytes, position) {
      if (flushError) throw flushError;
      try {
        for (let written = 0; written < bytes.byteLength; ) {
          const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written, position + written);
          written += bytesWritten;
        }
      } catch (error) {
        throw diskError(paths.data, error);
      }
      done = addRange(done as Ranges, position, position + bytes.byteLength);
      unflushed += bytes.byteLength;
      covered += bytes.byteLength;
      // The record follows the data it claims; writes go on meanwhile.
      if (unflushed >= Math.max(FLUSH_MIN_BYTES, covered * FLUSH_SHARE) || performance.now() - lastFlush >= FLUSH_MS) void flush();
    },
    flush: flushed,
    async reset() {
      done = [];
      covered = 0;
      await flushed();
    },
    async close() {
      try {
        await flushed();
      } finally {
        await handle.close();
        await record.close();
      }
    },
  };
}

function diskError(path: string, error: unknown): WhetError {
  const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
  return new WhetError(
    "disk_write_failed",
    `Cannot write ${path} (${code}).`,
    code === "ENOSPC" ? "The disk is full: free some space and run it again; it resumes." : "Check the folder's permissions and the disk, then run it again.",
  );
}

async function writeRecord(path: string, etag: string, size: number, done: Ranges): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, JSON.stringify({ format: FORMAT, etag, size, done }));
  await rename(temp, path);
}

/** Bytes a partial's record says are already on disk (0 when there is no valid record). */
export async function partialBytes(paths: PartialPaths, etag: string, size: number): Promise<number> {
  const [done, data] = await Promise.all([readRecord(paths.record, etag, size), stat(paths.data).catch(() => null)]);
  return done && data?.size === size ? coveredBytes(done) : 0;
}

export async function removePartial(paths: PartialPaths): Promise<void> {
  await rm(paths.data, { force: true });
  await rm(paths.record, { force: true });
  await rm(`${paths.record}.tmp`, { force: true });
}
