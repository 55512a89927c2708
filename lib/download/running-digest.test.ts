import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { openPartial } from "./partial-file";
import { runningDigest } from "./running-digest";

const tempDir = useTempDirs();
const SIZE = 3 * 1024 * 1024 + 17;

/** A partial file and its running digest, as the downloader pairs them. */
async function partialWithDigest(dir: string, algorithm: "sha256" | "git-sha1") {
  const file = await openPartial({ data: join(dir, "blob"), record: join(dir, "blob.ranges") }, "etag", SIZE);
  const digest = runningDigest(algorithm, SIZE, () => file.done, (buffer, position) => file.read(buffer, position));
  const write = async (bytes: Buffer, position: number) => {
    await file.write(bytes, position);
    digest.written(bytes, position);
  };
  return { file, digest, write };
}

describe("runningDigest", () => {
  it("hashes parts written out of order, from memory at the prefix and read back ahead of it", async () => {
    const content = randomBytes(SIZE);
    const { file, digest, write } = await partialWithDigest(await tempDir(), "sha256");
    const cuts = [0, 1_000_000, 2_000_000, SIZE];
    await write(content.subarray(cuts[1], cuts[2]), cuts[1] as number);
    expect(digest.hashed).toBe(0);
    await write(content.subarray(0, cuts[1]), 0);
    expect(digest.hashed).toBe(cuts[1]);
    await digest.catchUp(new AbortController().signal);
    expect(digest.hashed).toBe(cuts[2]);
    await write(content.subarray(cuts[2]), cuts[2] as number);
    expect(digest.hashed).toBe(SIZE);
    expect(digest.digest()).toBe(createHash("sha256").update(content).digest("hex"));
    await file.close();
  });

  it("reads back what an earlier run wrote, and names git blobs by their sha1", async () => {
    const dir = await tempDir();
    const content = randomBytes(SIZE);
    const first = await partialWithDigest(dir, "git-sha1");
    await first.write(content.subarray(0, 2_500_000), 0);
    await first.file.close();
    // The resumed run holds none of those bytes in memory: they are hashed from the file.
    const again = await partialWithDigest(dir, "git-sha1");
    await again.write(content.subarray(2_500_000), 2_500_000);
    expect(again.digest.hashed).toBe(0);
    await again.digest.catchUp(new AbortController().signal);
    expect(again.digest.digest()).toBe(createHash("sha1").update(`blob ${SIZE}\0`).update(content).digest("hex"));
    await again.file.close();
  });

  it("stops at a gap and refuses a digest of part of the file", async () => {
    const { file, digest, write } = await partialWithDigest(await tempDir(), "sha256");
    await write(randomBytes(1000), 5000);
    await digest.catchUp(new AbortController().signal);
    expect(digest.hashed).toBe(0);
    expect(() => digest.digest()).toThrow(/only 0 of/);
    await file.close();
  });
});
