import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  downloadFile,
  fileDownloadInfo,
  HubApiError,
  listFiles,
  listModels,
  modelInfo,
  pathsInfo,
  scanCacheDir,
  snapshotDownload,
  whoAmI,
} from "@huggingface/hub";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { gitBlobOid } from "./git-objects";
import type { RepoSpec } from "./repo-spec";
import { startHubFixture, type HubFixture, type HubFixtureOptions } from "./start-hub-fixture";
import { folderSha256 } from "./test-support/folder-sha256";
import { makeRepoFolder } from "./test-support/make-repo-folder";

const tempDir = useTempDirs();
const TOKEN = "hf_fixturetoken0123456789";
const SHARD = "model-00001-of-00002.safetensors";

async function serve(repos: (dir: string) => RepoSpec[], options: Omit<HubFixtureOptions, "repos"> = {}) {
  const dir = await makeRepoFolder(await tempDir());
  const hub = await startHubFixture({ repos: repos(dir), tokens: [TOKEN], ...options });
  onTestFinished(() => hub.close());
  return { dir, hub, hubUrl: hub.url };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function headCommit(hub: HubFixture, repo: string, accessToken?: string): Promise<string> {
  return (await modelInfo({ name: repo, hubUrl: hub.url, accessToken, additionalFields: ["sha"] })).sha;
}

describe("Hub fixture with @huggingface/hub", () => {
  it("lists, searches and pages through models", async () => {
    const { hub, hubUrl } = await serve(
      (dir) => [
        { id: "acme/tiny-a", revisions: [{ dir }], downloads: 30, tags: ["mlx"], libraryName: "mlx" },
        { id: "acme/Tiny-B", revisions: [{ dir }], downloads: 20, likes: 9 },
        { id: "acme/tiny-c", revisions: [{ dir }], downloads: 10, pipelineTag: "text-generation" },
        { id: "other/tiny-d", revisions: [{ dir }], downloads: 40, tags: ["mlx"] },
        { id: "other/big-e", revisions: [{ dir }], downloads: 50 },
        { id: "acme/tiny-private", revisions: [{ dir }], downloads: 60, private: true },
      ],
      { pageSize: 2 },
    );

    const found = await collect(listModels({ search: { query: "TINY" }, hubUrl }));
    expect(found.map((m) => m.name)).toEqual(["other/tiny-d", "acme/tiny-a", "acme/Tiny-B", "acme/tiny-c"]);
    expect(found[1]).toMatchObject({ private: false, gated: false, downloads: 30, likes: 0 });
    expect(found[1]?.updatedAt.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    const pages = hub.requests.filter((r) => r.path.startsWith("/api/models?"));
    expect(pages).toHaveLength(2);
    expect(pages[1]?.path).toContain("cursor=");

    const byOwner = await collect(listModels({ search: { owner: "other", tags: ["mlx"] }, hubUrl, additionalFields: ["sha", "tags", "library_name"] }));
    expect(byOwner).toEqual([expect.objectContaining({ name: "other/tiny-d", tags: ["mlx"], sha: expect.stringMatching(/^[0-9a-f]{40}$/) })]);
    // The library counts as a tag when filtering, as on the Hub.
    expect((await collect(listModels({ search: { tags: ["mlx"] }, hubUrl }))).map((m) => m.name)).toEqual(["other/tiny-d", "acme/tiny-a"]);
    expect((await collect(listModels({ search: { task: "text-generation" }, hubUrl }))).map((m) => m.name)).toEqual(["acme/tiny-c"]);
    expect((await collect(listModels({ sort: "likes", hubUrl, limit: 1 }))).map((m) => m.name)).toEqual(["acme/Tiny-B"]);
    expect((await collect(listModels({ sort: "id", hubUrl }))).map((m) => m.name)).toEqual([
      "acme/tiny-a",
      "acme/Tiny-B",
      "acme/tiny-c",
      "other/big-e",
      "other/tiny-d",
    ]);

    const withToken = await collect(listModels({ search: { owner: "acme" }, hubUrl, accessToken: TOKEN }));
    expect(withToken[0]).toMatchObject({ name: "acme/tiny-private", private: true });
  });

  it("describes a repo and its files at a revision", async () => {
    const { dir, hub, hubUrl } = await serve((dir) => [
      { id: "acme/tiny", revisions: [{ dir, tags: ["v1"] }], pipelineTag: "text-generation", libraryName: "mlx", likes: 3 },
    ]);
    const info = await modelInfo({ name: "acme/tiny", hubUrl, additionalFields: ["sha", "filePaths", "library_name", "config", "safetensors"] });
    expect(info).toMatchObject({ name: "acme/tiny", task: "text-generation", likes: 3, library_name: "mlx" });
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.filePaths).toContain("docs/notes/usage.md");
    expect(info.config).toMatchObject({ model_type: "llama", architectures: ["LlamaForCausalLM"] });
    expect(info.safetensors?.total).toBeGreaterThan(0);
    expect(hub.requests.at(-1)?.path).toMatch(/^\/api\/models\/acme\/tiny\/revision\/HEAD\?expand=pipeline_tag/);
    expect((await modelInfo({ name: "acme/tiny", hubUrl, revision: "v1", additionalFields: ["sha"] })).sha).toBe(info.sha);

    const files = await collect(listFiles({ repo: "acme/tiny", hubUrl, recursive: true }));
    expect(files.map((f) => `${f.type}:${f.path}`)).toEqual(
      expect.arrayContaining(["directory:docs", "directory:docs/notes", "file:docs/notes/usage.md", `file:${SHARD}`, "file:config.json"]),
    );
    const shardBytes = await readFile(join(dir, SHARD));
    const shard = files.find((f) => f.path === SHARD);
    expect(shard).toMatchObject({
      size: shardBytes.length,
      lfs: { oid: createHash("sha256").update(shardBytes).digest("hex"), size: shardBytes.length },
    });
    const config = files.find((f) => f.path === "config.json");
    expect(config?.oid).toBe(gitBlobOid(await readFile(join(dir, "config.json"))));
    expect(config?.lfs).toBeUndefined();

    const docs = await collect(listFiles({ repo: "acme/tiny", hubUrl, path: "docs", expand: true }));
    expect(docs).toEqual([expect.objectContaining({ type: "directory", path: "docs/notes", lastCommit: expect.objectContaining({ id: info.sha }) })]);

    const paths = await pathsInfo({ repo: "acme/tiny", hubUrl, paths: ["config.json", "missing.txt", "docs"], expand: true });
    expect(paths.map((p) => [p.path, p.type, p.lastCommit?.id])).toEqual([
      ["config.json", "file", info.sha],
      ["docs", "directory", info.sha],
    ]);
  });

  it("serves file contents with sizes, etags and ranged reads", async () => {
    const { dir, hub, hubUrl } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir }] }]);
    const configBytes = await readFile(join(dir, "config.json"));
    const shardBytes = await readFile(join(dir, SHARD));

    const configInfo = await fileDownloadInfo({ repo: "acme/tiny", path: "config.json", hubUrl });
    expect(configInfo).toMatchObject({ size: configBytes.length, etag: `"${gitBlobOid(configBytes)}"` });
    const shardInfo = await fileDownloadInfo({ repo: "acme/tiny", path: SHARD, hubUrl });
    expect(shardInfo).toMatchObject({ size: shardBytes.length, etag: `"${createHash("sha256").update(shardBytes).digest("hex")}"` });

    const blob = await downloadFile({ repo: "acme/tiny", path: SHARD, hubUrl });
    if (!blob) throw new Error("the shard should exist");
    expect(Buffer.from(await blob.arrayBuffer()).equals(shardBytes)).toBe(true);
    const slice = Buffer.from(await blob.slice(10, 20).arrayBuffer());
    expect(slice.equals(shardBytes.subarray(10, 20))).toBe(true);
    expect(hub.requests.at(-1)?.headers.range).toBe("bytes=10-19");
    const tail = Buffer.from(await blob.slice(shardBytes.length - 5).arrayBuffer());
    expect(tail.equals(shardBytes.subarray(-5))).toBe(true);

    const nested = await downloadFile({ repo: "acme/tiny", path: "docs/notes/usage.md", hubUrl });
    expect(await nested?.text()).toBe(await readFile(join(dir, "docs/notes/usage.md"), "utf8"));

    const pointer = await downloadFile({ repo: "acme/tiny", path: SHARD, hubUrl, raw: true });
    expect(await pointer?.text()).toBe(
      `version https://git-lfs.github.com/spec/v1\noid sha256:${createHash("sha256").update(shardBytes).digest("hex")}\nsize ${shardBytes.length}\n`,
    );
  });

  it("downloads a snapshot into a cache that scanCacheDir reads back", async () => {
    vi.spyOn(console, "debug").mockImplementation(() => undefined);
    const { dir, hub, hubUrl } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir }] }]);
    const cacheDir = await tempDir();
    const sha = await headCommit(hub, "acme/tiny");

    const snapshot = await snapshotDownload({ repo: "acme/tiny", cacheDir, hubUrl });
    expect(snapshot).toBe(join(cacheDir, "models--acme--tiny", "snapshots", sha));
    expect(await folderSha256(snapshot)).toEqual(await folderSha256(dir));
    expect(await readFile(join(cacheDir, "models--acme--tiny", "refs", "main"), "utf8")).toBe(sha);

    const cache = await scanCacheDir(cacheDir);
    expect(cache.warnings).toEqual([]);
    expect(cache.repos).toHaveLength(1);
    expect(cache.repos[0]?.id).toEqual({ name: "acme/tiny", type: "model" });
    expect(cache.repos[0]?.revisions.map((r) => [r.commitOid, r.refs])).toEqual([[sha, ["main"]]]);
  });

  it("authenticates hf_ tokens and guards private and gated repos", async () => {
    const { hubUrl } = await serve((dir) => [
      { id: "acme/secret", revisions: [{ dir }], private: true },
      { id: "acme/gated", revisions: [{ dir }], gated: "auto" },
      { id: "acme/pending", revisions: [{ dir }], gated: "manual" },
    ]);
    const me = await whoAmI({ accessToken: TOKEN, hubUrl });
    expect(me).toMatchObject({ type: "user", name: "fixture-user", auth: { type: "access_token", accessToken: { role: "read" } } });
    expect(me.auth.accessToken?.createdAt).toBeInstanceOf(Date);
    await expect(whoAmI({ accessToken: "hf_not_a_known_token", hubUrl })).rejects.toMatchObject({ statusCode: 401 });

    await expect(modelInfo({ name: "acme/secret", hubUrl })).rejects.toMatchObject({ statusCode: 401 });
    await expect(fileDownloadInfo({ repo: "acme/secret", path: "config.json", hubUrl })).rejects.toBeInstanceOf(HubApiError);
    expect(await modelInfo({ name: "acme/secret", hubUrl, accessToken: TOKEN })).toMatchObject({ private: true });
    expect(await fileDownloadInfo({ repo: "acme/secret", path: "config.json", hubUrl, accessToken: TOKEN })).not.toBeNull();

    expect(await modelInfo({ name: "acme/gated", hubUrl })).toMatchObject({ gated: "auto" });
    await expect(fileDownloadInfo({ repo: "acme/gated", path: "config.json", hubUrl })).rejects.toMatchObject({ statusCode: 401 });
    expect(await fileDownloadInfo({ repo: "acme/gated", path: "config.json", hubUrl, accessToken: TOKEN })).not.toBeNull();
    await expect(fileDownloadInfo({ repo: "acme/pending", path: "config.json", hubUrl, accessToken: TOKEN })).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it("answers what does not exist with the Hub's status codes and error codes", async () => {
    const { hubUrl } = await serve((dir) => [
      { id: "acme/tiny", revisions: [{ dir }] },
      { id: "acme/secret", revisions: [{ dir }], private: true },
    ]);
    await expect(modelInfo({ name: "acme/none", hubUrl })).rejects.toMatchObject({ statusCode: 404 });
    await expect(modelInfo({ name: "acme/tiny", hubUrl, revision: "nope" })).rejects.toMatchObject({ statusCode: 404 });
    expect(await fileDownloadInfo({ repo: "acme/tiny", path: "missing.json", hubUrl })).toBeNull();

    const sha = (await modelInfo({ name: "acme/tiny", hubUrl, additionalFields: ["sha"] })).sha;
    const cases: [string, string, number, string | null][] = [
      ["GET", "/api/models/acme/none", 404, "RepoNotFound"],
      ["GET", "/api/models/acme/secret/revision/main", 401, "RepoNotFound"],
      ["GET", "/api/models/acme/tiny/revision/nope", 404, "RevisionNotFound"],
      ["HEAD", "/acme/tiny/resolve/nope/config.json", 404, "RevisionNotFound"],
      ["HEAD", "/acme/tiny/resolve/main/missing.json", 404, "EntryNotFound"],
      ["GET", "/api/models/acme/tiny/tree/main/missing", 404, "EntryNotFound"],
      ["GET", "/api/nothing-here", 404, null],
    ];
    for (const [method, path, status, code] of cases) {
      const response = await fetch(`${hubUrl}${path}`, { method });
      expect([path, response.status, response.headers.get("x-error-code")]).toEqual([path, status, code]);
      expect(response.headers.get("x-request-id")).toBeTruthy();
      if (method === "GET") expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    const missing = await fetch(`${hubUrl}/acme/tiny/resolve/main/missing.json`, { method: "HEAD" });
    expect(missing.headers.get("x-repo-commit")).toBe(sha);

    const tooFar = await fetch(`${hubUrl}/acme/tiny/resolve/main/config.json`, { headers: { Range: "bytes=999999-" } });
    expect(tooFar.status).toBe(416);
    expect(tooFar.headers.get("content-range")).toMatch(/^bytes \*\/\d+$/);
  });

  it("serves resolve headers both clients depend on, for HEAD and GET alike", async () => {
    const { dir, hubUrl } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir, branch: "main" }] }]);
    const sha = (await modelInfo({ name: "acme/tiny", hubUrl, additionalFields: ["sha"] })).sha;
    const shardSize = (await readFile(join(dir, SHARD))).length;
    for (const method of ["HEAD", "GET"]) {
      const response = await fetch(`${hubUrl}/acme/tiny/resolve/main/${SHARD}`, { method, headers: { Range: "bytes=0-0" } });
      expect(response.status).toBe(206);
      expect(Object.fromEntries([...response.headers].filter(([k]) => k.startsWith("x-") || k.startsWith("content-") || k === "accept-ranges" || k === "etag"))).toMatchObject({
        "x-repo-commit": sha,
        "x-linked-size": String(shardSize),
        "x-linked-etag": expect.stringMatching(/^"[0-9a-f]{64}"$/),
        "content-range": `bytes 0-0/${shardSize}`,
        "content-length": "1",
        "content-type": "application/octet-stream",
        "accept-ranges": "bytes",
      });
      expect(response.headers.get("etag")).toBeNull();
      await response.arrayBuffer();
    }
    const bySha = await fetch(`${hubUrl}/acme/tiny/resolve/${sha}/config.json`, { method: "HEAD" });
    expect(bySha.status).toBe(200);
    expect(bySha.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
    expect(bySha.headers.get("content-length")).toBe(String((await readFile(join(dir, "config.json"))).length));
  });

  it("advances branches and takes new repos while running", async () => {
    const { hub, hubUrl } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir, tags: ["v1"] }] }]);
    const first = await headCommit(hub, "acme/tiny");
    const second = await hub.addRevision("acme/tiny", { dir: await makeRepoFolder(await tempDir(), { seed: 2 }) });
    expect(second).not.toBe(first);
    expect(await headCommit(hub, "acme/tiny")).toBe(second);
    const old = await fileDownloadInfo({ repo: "acme/tiny", path: SHARD, revision: first, hubUrl });
    const now = await fileDownloadInfo({ repo: "acme/tiny", path: SHARD, hubUrl });
    expect(old?.etag).not.toBe(now?.etag);
    expect((await modelInfo({ name: "acme/tiny", hubUrl, revision: "v1", additionalFields: ["sha"] })).sha).toBe(first);

    // Pull-request style refs arrive encoded from modelInfo and raw from listFiles.
    const pr = await hub.addRevision("acme/tiny", { dir: await makeRepoFolder(await tempDir(), { seed: 4 }), branch: "refs/pr/1" });
    expect((await modelInfo({ name: "acme/tiny", hubUrl, revision: "refs/pr/1", additionalFields: ["sha"] })).sha).toBe(pr);
    const prFiles = await collect(listFiles({ repo: "acme/tiny", hubUrl, revision: "refs/pr/1", path: "docs/notes" }));
    expect(prFiles.map((f) => f.path)).toEqual(["docs/notes/usage.md"]);
    expect(await (await downloadFile({ repo: "acme/tiny", path: "docs/notes/usage.md", revision: "refs/pr/1", hubUrl }))?.text()).toMatch(/^Seed 4/);

    await hub.addRepo({ id: "late/arrival", revisions: [{ dir: await makeRepoFolder(await tempDir(), { seed: 3 }) }] });
    expect((await collect(listModels({ search: { query: "arrival" }, hubUrl }))).map((m) => m.name)).toEqual(["late/arrival"]);
  });
});
