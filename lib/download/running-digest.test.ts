import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { openPartial } from "./partial-file";
import { runningDigest } from "./running-digest";

const tempDir = useTempDirs();
const SIZE = 3 * 1024 * 1024 + 17;
const never = new AbortController().signal;

/** A partial file and its running digest, as the downloader pairs them. */
async function partialWithDigest(dir: string, algorithm: "sha256" | "git-sha1") {
  const paths = { data: join(dir, "blob"), record: join(dir, "blob.ranges") };
  const file = await openPartial(paths, "etag", SIZE);
  const digest = runningDigest(algorithm, SIZE, () => file.done, paths.data);
  digest.written();
  const write = async (bytes: Buffer, position: number) => {
    await file.write(bytes, position);
    digest.written();
  };
  return { file, digest, write, paths };
}

describe("runningDigest", () => {
  it("hashes on its thread what continues the written prefix, and parts written ahead once the prefix reaches them", async () => {
    const content = randomBytes(SIZE);
    const { file, digest, write } = await partialWithDigest(await tempDir(), "sha256");
    const cuts = [0, 1_000_000, 2_000_000, SIZE];
    await write(content.subarray(cuts[1], cuts[2]), cuts[1] as number);
    await digest.catchUp(never);
    expect(digest.hashed).toBe(0);
    await write(content.subarray(0, cuts[1]), 0);
    await digest.catchUp(never);
    expect(digest.hashed).toBe(cuts[2]);
    await write(content.subarray(cuts[2]), cuts[2] as number);
    await digest.catchUp(never);
    expect(digest.hashed).toBe(SIZE);
    expect(digest.digest()).toBe(createHash("sha256").update(content).digest("hex"));
    digest.close();
    await file.close();
  });

  it("hashes what an earlier run wrote, and names git blobs by their sha1", async () => {
    const dir = await tempDir();
    const content = randomBytes(SIZE);
    const first = await partialWithDigest(dir, "git-sha1");
    await first.write(content.subarray(0, 2_500_000), 0);
    first.digest.close();
    await first.file.close();
    // The resumed run never held those bytes: they are read from the file.
    const again = await partialWithDigest(dir, "git-sha1");
    await again.write(content.subarray(2_500_000), 2_500_000);
    await again.digest.catchUp(never);
    expect(again.digest.digest()).toBe(createHash("sha1").update(`blob ${SIZE}\0`).update(content).digest("hex"));
    again.digest.close();
    await again.file.close();
  });

  it("stops at a gap and refuses a digest of part of the file", async () => {
    const { file, digest, write } = await partialWithDigest(await tempDir(), "sha256");
    await write(randomBytes(1000), 5000);
    await digest.catchUp(never);
    expect(digest.hashed).toBe(0);
    expect(() => digest.digest()).toThrow(/only 0 of/);
    digest.close();
    await file.close();
  });

  it("fails in words when the file cannot be read back, and an abort ends the wait", async () => {
    const { file, digest, write, paths } = await partialWithDigest(await tempDir(), "sha256");
    await write(randomBytes(SIZE), 0);
    await digest.catchUp(never);
    digest.close();
    await file.close();
    // A file gone before its digest opens it.
    await rm(paths.data);
    const lost = runningDigest("sha256", SIZE, () => [[0, SIZE]], paths.data);
    await expect(lost.catchUp(never)).rejects.toThrow(/could not be read back to verify it \(ENOENT\)/);
    lost.close();
    const stop = new AbortController();
    stop.abort(new Error("cancelled"));
    const waiting = runningDigest("sha256", SIZE, () => [[0, SIZE]], paths.data);
    await expect(waiting.catchUp(stop.signal)).rejects.toThrow("cancelled");
    waiting.close();
  });

  it("never keeps the process alive once nothing waits on it", async () => {
    const { paths, file, write } = await partialWithDigest(await tempDir(), "sha256");
    await write(randomBytes(SIZE), 0);
    await file.close();
    // A process that starts the thread and gets its digest without ever waiting on it: it must end by itself.
    const script = [
      `import { runningDigest } from ${JSON.stringify(join(import.meta.dirname, "running-digest.ts"))};`,
      `const digest = runningDigest("sha256", ${SIZE}, () => [[0, ${SIZE}]], ${JSON.stringify(paths.data)});`,
      `digest.written();`,
      `const poll = setInterval(() => digest.hashed === ${SIZE} && (clearInterval(poll), console.log("hashed", digest.hashed)), 20);`,
    ].join("\n");
    const started = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { timeout: 30_000 });
    expect(stdout.trim()).toBe(`hashed ${SIZE}`);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
