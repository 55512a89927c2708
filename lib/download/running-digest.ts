import { createHash } from "node:crypto";
import type { Ranges } from "./range-set";
import type { RepoFile } from "./repo-file";

const READ_CHUNK = 1 << 20;

export interface RunningDigest {
  /** Bytes hashed so far, all from the start of the file. */
  readonly hashed: number;
  /** `bytes` were just written at `position`: hashed now if they continue the hashed prefix. */
  written(bytes: Buffer, position: number): void;
  /**
   * Reads back and hashes what `done()` says is on disk from the hashed prefix
   * on, until it reaches a gap. Calls made while one runs share it.
   */
  catchUp(signal: AbortSignal): Promise<void>;
  /** The hash the Hub names the file by; only once every byte is hashed. */
  digest(): string;
}

/**
 * The Hub's hash of a file being written in parts (sha256 of the content for
 * LFS, git's blob sha1 otherwise), computed while it arrives instead of by
 * reading the whole file again after: bytes written at the end of the hashed
 * prefix are hashed from memory, bytes written ahead of it (other parts,
 * earlier runs) are read back from the file, still in the page cache, once
 * the prefix reaches them. A hash is sequential: that is the only order.
 */
export function runningDigest(algorithm: RepoFile["algorithm"], size: number, done: () => Ranges, read: (buffer: Buffer, position: number) => Promise<number>): RunningDigest {
  const hash = algorithm === "sha256" ? createHash("sha256") : createHash("sha1").update(`blob ${size}\0`);
  let hashed = 0;
  let reading: Promise<void> | null = null;
  // One buffer read into again and again, allocated on the first read-back: a fresh one per read would be gigabytes of garbage.
  let buffer: Buffer | null = null;

  /** The end of the written range that holds byte `hashed`, or `hashed` when it is not written yet. */
  const writtenEnd = () => done().find(([start, end]) => start <= hashed && hashed < end)?.[1] ?? hashed;

  const readBack = async (signal: AbortSignal) => {
    const into = (buffer ??= Buffer.allocUnsafe(READ_CHUNK));
    for (let end = writtenEnd(); end > hashed; end = writtenEnd()) {
      signal.throwIfAborted();
      const count = await read(into.subarray(0, Math.min(READ_CHUNK, end - hashed)), hashed);
      if (count === 0) throw new Error(`the partial file ended at ${hashed} of ${size} bytes`);
      hash.update(into.subarray(0, count));
      hashed += count;
    }
  };

  return {
    get hashed() {
      return hashed;
    },
    written(bytes, position) {
      // While a read-back runs it owns the prefix: it reads these bytes back too.
      if (reading !== null || position !== hashed) return;
      hash.update(bytes);
      hashed += bytes.byteLength;
    },
    catchUp(signal) {
      reading ??= readBack(signal).finally(() => (reading = null));
      return reading;
    },
    digest() {
      if (hashed !== size) throw new Error(`only ${hashed} of ${size} bytes were hashed`);
      return hash.digest("hex");
    },
  };
}
