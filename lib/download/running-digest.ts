import { createHash } from "node:crypto";
import { threadDigest } from "./digest-thread";
import type { Ranges } from "./range-set";
import type { RepoFile } from "./repo-file";

export interface RunningDigest {
  /** Bytes hashed so far, all from the start of the file. */
  readonly hashed: number;
  /** More bytes were written: whatever now continues the prefix on disk is hashed behind. */
  written(): void;
  /** Resolves once every byte `done()` has on disk from the start of the file on, up to its first gap, is hashed. */
  catchUp(signal: AbortSignal): Promise<void>;
  /** The hash the Hub names the file by; only once every byte is hashed. */
  digest(): string;
  /** Stops hashing (the file is done with, or abandoned). */
  close(): void;
}

/**
 * The Hub's hash of a file being written in parts (sha256 of the content for
 * LFS, git's blob sha1 otherwise), computed while it arrives instead of after:
 * as the prefix of written bytes grows, the digest thread reads it back from
 * the page cache and hashes it (see threadDigest). Bytes written ahead of the
 * prefix (other parts, earlier runs) are hashed once the prefix reaches them.
 * A hash is sequential: that is the only order.
 */
/** How much the written prefix grows before the digest thread is told. */
const ADVANCE_STEP = 4 << 20;

export function runningDigest(algorithm: RepoFile["algorithm"], size: number, done: () => Ranges, path: string): RunningDigest {
  const thread = threadDigest(path, algorithm, size);
  let told = 0;
  /** The end of the written range that starts the file. */
  const prefixEnd = () => {
    const first = done()[0];
    return first !== undefined && first[0] === 0 ? first[1] : 0;
  };
  return {
    get hashed() {
      return thread.hashed;
    },
    written() {
      // Told in steps, not per write: each message wakes the thread, and a larger read costs less per byte.
      const end = prefixEnd();
      if (end - told >= ADVANCE_STEP || end === size) thread.advance((told = end));
    },
    catchUp: (signal) => thread.reach(prefixEnd(), signal),
    digest() {
      // An empty file has nothing to read back: its hash is that of no bytes.
      if (size === 0) return algorithm === "sha256" ? createHash("sha256").digest("hex") : createHash("sha1").update("blob 0\0").digest("hex");
      const digest = thread.digest();
      if (digest === null) throw new Error(`only ${thread.hashed} of ${size} bytes were hashed`);
      return digest;
    },
    close: () => thread.close(),
  };
}
