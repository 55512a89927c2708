import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { deflatedZip } from "../testing/fuzz/fuzz-case";
import { readNpz } from "./read-npz";
import { encodeNpy, writeNpz } from "./write-npz";

const tempDir = useTempDirs();

async function readAll(file: string) {
  const names: string[] = [];
  for await (const entry of readNpz(file)) names.push(entry.name);
  return names;
}

const ARRAY = { name: "w", descr: "<f4", shape: [2, 4], data: new Uint8Array(32).fill(1) };

/** The stored archive writeNpz makes, with one record field overwritten. */
async function damaged(patch: (bytes: Buffer, directory: number, end: number) => void): Promise<string> {
  const file = join(await tempDir(), "weights.npz");
  await writeNpz(file, [ARRAY]);
  const bytes = await readFile(file);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  patch(bytes, bytes.readUInt32LE(end + 16), end);
  await writeFile(file, bytes);
  return file;
}

// Found by the fuzz drill (issue #10): each of these threw a RangeError, and the first aborted Node itself.
describe("readNpz on damaged archives", () => {
  it("reads a sound archive, stored or deflated", async () => {
    expect(await readAll(await damaged(() => undefined))).toEqual(["w"]);
    const file = join(await tempDir(), "deflated.npz");
    await writeFile(file, deflatedZip([{ name: "w.npy", data: encodeNpy(ARRAY) }]));
    expect(await readAll(file)).toEqual(["w"]);
  });

  const cases: [string, (bytes: Buffer, directory: number, end: number) => void][] = [
    ["a compressed size of 4 GB", (b, d) => b.writeUInt32LE(0xffffffff, d + 20)],
    ["a name longer than the directory", (b, d) => b.writeUInt16LE(0xffff, d + 28)],
    ["a directory past the end of the file", (b, _d, e) => b.writeUInt32LE(0x7fffffff, e + 16)],
    ["a local header past the end of the file", (b, d) => b.writeUInt32LE(b.length, d + 42)],
    ["an uncompressed size that disagrees", (b, d) => b.writeUInt32LE(5, d + 24)],
    ["a .npy shape that does not fit its data", (b) => b.write("(9, 9)", b.indexOf("(2, 4)"), "latin1")],
  ];
  for (const [what, patch] of cases) {
    it(`refuses ${what} with npz_invalid`, async () => {
      await expect(readAll(await damaged(patch))).rejects.toMatchObject({ code: "npz_invalid" });
    });
  }

  it("never inflates a member past the size it declares", async () => {
    const file = join(await tempDir(), "bomb.npz");
    await writeFile(file, deflatedZip([{ name: "bomb.npy", data: Buffer.alloc(64 * 2 ** 20), declared: 1024 }]));
    const before = process.memoryUsage.rss();
    await expect(readAll(file)).rejects.toMatchObject({ code: "npz_invalid" });
    expect(process.memoryUsage.rss() - before).toBeLessThan(32 * 2 ** 20);
  });
});
