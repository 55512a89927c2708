import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeModel } from "../factory/make-model";
import { folderSha256 } from "../hub-fixture/test-support/folder-sha256";
import { startHubFixture, type HubFixture } from "../hub-fixture/start-hub-fixture";
import { useTempDirs } from "../testing/temp-dir";
import { readSentinel } from "../workspace/sentinel";
import { cloneRepo } from "./clone-repo";
import { searchModels } from "./search-models";

const tempDir = useTempDirs();
let hub: HubFixture | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

async function setup() {
  const root = await tempDir();
  const healthy = await makeModel({ dir: join(root, "src", "healthy"), shards: 2 });
  const broken = await makeModel({ dir: join(root, "src", "broken"), shards: 3, defects: ["index-missing-shards"] });
  const v2 = await makeModel({ dir: join(root, "src", "v2"), shards: 1, seed: 7 });
  hub = await startHubFixture({
    tokens: ["hf_secret"],
    repos: [
      { id: "acme/tiny-llama", revisions: [{ dir: healthy.dir, tags: ["v1"] }, { dir: v2.dir }], tags: ["mlx"] },
      { id: "acme/broken-index", revisions: [{ dir: broken.dir }], tags: ["mlx"] },
      { id: "acme/secret", revisions: [{ dir: healthy.dir }], private: true },
    ],
  });
  const roots = { hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub") };
  await mkdir(roots.hubCache, { recursive: true });
  return { root, roots, hubUrl: hub.url, healthy, broken, v2 };
}

describe("cloneRepo", () => {
  it("clones a revision into a managed workspace, byte for byte, recording the resolved commit", async () => {
    const { root, roots, hubUrl, v2 } = await setup();
    const phases = new Set<string>();
    const result = await cloneRepo({ hubUrl, spec: "acme/tiny-llama", target: join(root, "ws"), roots, onProgress: (p) => phases.add(p.phase) });
    expect(await folderSha256(result.target)).toEqual({ ...(await folderSha256(v2.dir)), ".mlxk_workspace.json": expect.any(String) });
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.health?.healthy).toBe(true);
    expect([...phases]).toEqual(["resolving", "downloading", "health-check"]);
    const sentinel = await readSentinel(result.target);
    expect(sentinel).toMatchObject({
      managed: true,
      operation: "clone",
      source_repo: "acme/tiny-llama",
      source_revision: result.commit,
      requested_revision: "main",
      clone_status: "complete",
    });
  });

  it("clones an older revision by tag", async () => {
    const { root, roots, hubUrl, healthy } = await setup();
    const result = await cloneRepo({ hubUrl, spec: "acme/tiny-llama@v1", target: join(root, "ws"), roots });
    expect(await folderSha256(result.target)).toMatchObject(await folderSha256(healthy.dir));
    expect((await readSentinel(result.target))?.requested_revision).toBe("v1");
  });

  it("clones a broken repository so it can be repaired, and says what is wrong", async () => {
    const { root, roots, hubUrl } = await setup();
    const result = await cloneRepo({ hubUrl, spec: "acme/broken-index", target: join(root, "ws"), roots });
    expect(result.health?.healthy).toBe(false);
    expect(result.health?.findings.map((f) => f.id)).toContain("index-shard-mismatch");
  });

  it("refuses targets in the cache or with files, and leaves them alone", async () => {
    const { root, roots, hubUrl } = await setup();
    await expect(cloneRepo({ hubUrl, spec: "acme/tiny-llama", target: join(roots.hubCache, "x"), roots })).rejects.toMatchObject({ code: "target_in_cache" });
    const busy = join(root, "busy");
    await mkdir(busy);
    await writeFile(join(busy, "mine.txt"), "keep");
    await expect(cloneRepo({ hubUrl, spec: "acme/tiny-llama", target: busy, roots })).rejects.toMatchObject({ code: "target_not_empty" });
    expect(await readdir(busy)).toEqual(["mine.txt"]);
  });

  it("maps Hub errors to errors with a fix, creating nothing", async () => {
    const { root, roots, hubUrl } = await setup();
    const target = join(root, "ws");
    await expect(cloneRepo({ hubUrl, spec: "acme/nope", target, roots })).rejects.toMatchObject({ code: "repo_not_found" });
    await expect(cloneRepo({ hubUrl, spec: "acme/tiny-llama@no-such-branch", target, roots })).rejects.toMatchObject({ code: "revision_not_found" });
    await expect(cloneRepo({ hubUrl, spec: "acme/secret", target, roots })).rejects.toMatchObject({ code: expect.stringMatching(/access_denied|repo_not_found/) });
    await expect(cloneRepo({ hubUrl: "http://127.0.0.1:9", spec: "acme/x", target, roots })).rejects.toMatchObject({ code: "hub_unreachable" });
    await expect(cloneRepo({ hubUrl, spec: "not a repo", target, roots })).rejects.toMatchObject({ code: "invalid_repo_id" });
    await expect(readdir(target)).rejects.toThrow();
    const ok = await cloneRepo({ hubUrl, accessToken: "hf_secret", spec: "acme/secret", target, roots });
    expect(ok.files).toBeGreaterThan(5);
  });

  it("removes everything it wrote when cancelled", async () => {
    const { root, roots, hubUrl } = await setup();
    const controller = new AbortController();
    const target = join(root, "ws");
    const run = cloneRepo({
      hubUrl,
      spec: "acme/broken-index",
      target,
      roots,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.filesDone === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "cancelled" });
    await expect(readdir(target)).rejects.toThrow();
  });
});

describe("searchModels", () => {
  it("finds repositories by name and tag", async () => {
    const { hubUrl } = await setup();
    expect((await searchModels({ hubUrl, query: "broken" })).map((m) => m.id)).toEqual(["acme/broken-index"]);
    const mlx = await searchModels({ hubUrl, tags: ["mlx"] });
    expect(mlx.map((m) => m.id).sort()).toEqual(["acme/broken-index", "acme/tiny-llama"]);
    expect(mlx[0]?.tags).toContain("mlx");
  });
});
