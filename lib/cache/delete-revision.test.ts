import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOSTILE_CACHE_COMMITS, makeHostileCache } from "../factory/hostile-cache";
import { removeModel } from "../models/remove-model";
import { useTempDirs } from "../testing/temp-dir";

const tempDir = useTempDirs();
const { a: A, b: B } = HOSTILE_CACHE_COMMITS;

async function setUp() {
  const root = await tempDir();
  const cache = await makeHostileCache(root);
  return { ...cache, roots: { hubCache: cache.hubCache, workspaceRoot: join(root, "ws") } };
}

const contents = (files: string[]) => Promise.all(files.map((f) => readFile(f, "utf8")));

describe("whet rm on a cache whose snapshot links lead elsewhere (issue #10 finding 5)", () => {
  it("rm org/name@rev deletes that snapshot and only its own unshared blobs; files the links point to outside survive", async () => {
    const { repo, outside, roots } = await setUp();
    const before = await contents(outside);
    const removed = await removeModel(`acme/tiny@${A.slice(0, 8)}`, roots);
    expect(removed).toMatchObject({ action: "deleted", commits: [A], freedBytes: "weights of A".length });
    expect(await contents(outside)).toEqual(before);
    expect(await readdir(join(repo, "blobs"))).toEqual(["shared"]);
    expect(await readdir(join(repo, "snapshots"))).toEqual([B]);
    expect(await readdir(join(repo, "refs"))).toEqual(["main"]);
  });

  it("rm org/name removes the repo folder and nothing its links point to", async () => {
    const { outside, roots } = await setUp();
    const before = await contents(outside);
    await removeModel("acme/tiny", roots);
    expect(await contents(outside)).toEqual(before);
    expect(await readdir(roots.hubCache)).toEqual(["models--acme--other"]);
  });
});
