import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { gitBlobOid } from "./git-objects";
import { isLfsFile, LFS_SIZE_THRESHOLD } from "./lfs";
import { createRepoStore, headCommit, resolveRevision } from "./repo-store";

const tempDir = useTempDirs();

async function writeFiles(dir: string, files: Record<string, string>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

describe("repo store", () => {
  it("gives each revision the commit git would make, and advances the branch", async () => {
    const root = await tempDir();
    const first = await writeFiles(join(root, "v1"), { "a.txt": "hello\n", "a/x": "1", "a-b": "2" });
    const second = await writeFiles(join(root, "v2"), { "a.txt": "hello\n", "a/x": "1", "a/y": "3", "a-b": "2" });
    const store = createRepoStore();
    const repo = await store.addRepo({ id: "acme/tiny", revisions: [{ dir: first, tags: ["v1.0"] }, { dir: second }] });

    // Same hashes as `git commit` with the fixture's author and dates (see git-objects.test.ts).
    expect(resolveRevision(repo, "v1.0")?.id).toBe("ad91ab93c6c8765d6a09e73b5c807af0f6d27394");
    const head = headCommit(repo);
    expect(head?.id).toBe("9efa83789e88d2b5cd68deff2cec2ce700c322fb");
    expect(head?.parent).toBe("ad91ab93c6c8765d6a09e73b5c807af0f6d27394");
    expect(resolveRevision(repo, "HEAD")).toBe(head);
    expect(resolveRevision(repo, "refs/heads/main")).toBe(head);
    expect(resolveRevision(repo, "ad91ab93c6c8765d6a09e73b5c807af0f6d27394")?.title).toBe("Initial commit");
    expect(resolveRevision(repo, "nope")).toBeUndefined();

    // lastCommit is the commit that last changed the path, not the one being viewed.
    expect(head?.lastCommit.get("a.txt")?.id).toBe("ad91ab93c6c8765d6a09e73b5c807af0f6d27394");
    expect(head?.lastCommit.get("a/y")?.id).toBe(head?.id);
    expect(head?.lastCommit.get("a")?.id).toBe(head?.id);
    expect([...(head?.entries.keys() ?? [])]).toEqual(["a", "a-b", "a.txt", "a/x", "a/y"]);
  });

  it("stores weights as LFS: pointer blob as oid, sha256 and size in lfs", async () => {
    const dir = await tempDir();
    await makeModel({ dir, shards: 2 });
    const store = createRepoStore();
    const repo = await store.addRepo({ id: "acme/model", revisions: [{ dir }] });
    const shard = headCommit(repo)?.entries.get("model-00001-of-00002.safetensors");
    if (shard?.type !== "file" || !shard.lfs) throw new Error("shard should be an LFS file");
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${shard.lfs.oid}\nsize ${shard.size}\n`;
    expect(shard.oid).toBe(gitBlobOid(pointer));
    expect(shard.lfs).toEqual({ oid: shard.lfs.oid, size: shard.size, pointerSize: pointer.length });
    const config = headCommit(repo)?.entries.get("config.json");
    expect(config).toMatchObject({ type: "file", oid: gitBlobOid(await readFile(join(dir, "config.json"))) });
    expect(config && "lfs" in config ? config.lfs : undefined).toBeUndefined();
    expect(isLfsFile("notes.txt", LFS_SIZE_THRESHOLD + 1)).toBe(true);
    expect(isLfsFile("weights.NPZ", 10)).toBe(true);
  });

  it("gives the same folders the same commits in a new store", async () => {
    const dir = await tempDir();
    await makeModel({ dir, seed: 5 });
    const commits = await Promise.all(
      [1, 2].map(async () => headCommit(await createRepoStore().addRepo({ id: "acme/m", revisions: [{ dir }] }))?.id),
    );
    expect(commits[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(commits[1]).toBe(commits[0]);
  });

  it("adds revisions to a running repo and refuses bad specs with a hint", async () => {
    const root = await tempDir();
    const store = createRepoStore();
    await store.addRepo({ id: "acme/m", revisions: [{ dir: await writeFiles(join(root, "1"), { "a.txt": "1" }) }] });
    const dev = await store.addRevision("acme/m", { dir: await writeFiles(join(root, "2"), { "a.txt": "2" }), branch: "dev" });
    const repo = store.get("ACME/M");
    expect(repo && resolveRevision(repo, "dev")).toBe(dev);
    expect(dev.parent).toBe(repo && headCommit(repo)?.id);

    await expect(store.addRepo({ id: "acme/m", revisions: [{ dir: root }] })).rejects.toMatchObject({ code: "hub_fixture_repo_exists" });
    await expect(store.addRepo({ id: "no-namespace", revisions: [{ dir: root }] })).rejects.toMatchObject({ code: "hub_fixture_bad_repo" });
    await expect(store.addRepo({ id: "acme/x", revisions: [{ dir: join(root, "missing") }] })).rejects.toMatchObject({
      code: "hub_fixture_folder_unreadable",
    });
    await expect(store.addRepo({ id: "acme/y", revisions: [{ dir: root, branch: "dev" }] })).rejects.toMatchObject({
      code: "hub_fixture_bad_repo",
    });
  });
});
