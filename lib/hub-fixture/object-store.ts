import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gitBlobOid } from "./git-objects";

const SHA256 = /^[0-9a-f]{64}$/;

/** What the store knows of an object: its two names (LFS sha256, git blob sha1) and size. */
export interface StoredObject {
  sha256: string;
  blobOid: string;
  size: number;
  path: string;
}

/** Why an upload was refused: the bytes were not the ones announced. */
export class ObjectMismatchError extends Error {}

export interface ObjectStore {
  dir: string;
  /** Where the object's bytes live (whether or not they are there yet). */
  path(sha256: string): string;
  /** The stored object's size, or null when the store does not hold it. */
  sizeOf(sha256: string): Promise<number | null>;
  /** Stores bytes already in memory (inline commit files). */
  putBytes(bytes: Uint8Array): Promise<StoredObject>;
  /**
   * Streams an upload to a temporary file, checking it is exactly `expected`
   * (size and sha256) before it takes its content-addressed name: a refused or
   * interrupted upload leaves nothing behind.
   */
  putStream(body: Readable, expected: { sha256: string; size: number }, throttle?: Transform | null): Promise<void>;
}

/**
 * Content-addressed storage for the bytes pushed to the fixture: every object
 * is `objects/<sha256>`, shared by all repos (uploading the same content twice
 * stores it once, as the Hub's storage does).
 */
export async function openObjectStore(dir: string): Promise<ObjectStore> {
  await mkdir(join(dir, "tmp"), { recursive: true });
  const path = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256.slice(0, 80)}`);
    return join(dir, sha256);
  };
  const temp = () => join(dir, "tmp", randomUUID());

  return {
    dir,
    path,
    async sizeOf(sha256) {
      if (!SHA256.test(sha256)) return null;
      const info = await stat(join(dir, sha256)).catch(() => null);
      return info?.isFile() ? info.size : null;
    },
    async putBytes(bytes) {
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const target = path(sha256);
      if ((await stat(target).catch(() => null))?.size !== bytes.byteLength) {
        const staging = temp();
        await writeFile(staging, bytes);
        await rename(staging, target);
      }
      return { sha256, blobOid: gitBlobOid(bytes), size: bytes.byteLength, path: target };
    },
    async putStream(body, expected, throttle) {
      const staging = temp();
      const hash = createHash("sha256");
      let size = 0;
      const check = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.byteLength;
          if (size > expected.size) {
            done(new ObjectMismatchError(`the upload is larger than the announced ${expected.size} bytes`));
            return;
          }
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await (throttle ? pipeline(body, throttle, check, createWriteStream(staging)) : pipeline(body, check, createWriteStream(staging)));
        if (size !== expected.size) throw new ObjectMismatchError(`received ${size} bytes, ${expected.size} were announced`);
        const actual = hash.digest("hex");
        if (actual !== expected.sha256) throw new ObjectMismatchError(`the content's sha256 is ${actual}, not the announced ${expected.sha256}`);
        await rename(staging, path(expected.sha256));
      } finally {
        await rm(staging, { force: true });
      }
    },
  };
}
