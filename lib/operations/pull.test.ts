import { lstat, readFile, readdir, readlink, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { hashFile } from "../download/hash-file";
import { startFaultProxy, type FaultRule } from "../hub-fixture/fault-proxy";
import { HOSTILE_LISTINGS } from "../hub-fixture/hostile-listings";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { folderSha256 } from "../hub-fixture/test-support/folder-sha256";
import { makeRepoFolder } from "../hub-fixture/test-support/make-repo-folder";
import { pythonCacheClient } from "../hub-fixture/test-support/python-cache-client";
import { operationDeps } from "../testing/operation-deps";
import { useTempDirs } from "../testing/temp-dir";
import { runToEnd } from "./operation";
import { cleanPartials, pullOperation, type DownloadProgress } from "./pull";

const tempDir = useTempDirs();
const TOKEN = "hf_pulltoken0123456789";

async function serve() {
  const root = await tempDir();
  const dir = await makeRepoFolder(join(root, "src"), { seed: 3 });
  await writeFile(join(dir, "docs", "copy-of-config.json"), await readFile(join(dir, "config.json")));
  const hub = await startHubFixture({
    tokens: [TOKEN],
    repos: [
      { id: "acme/tiny", revisions: [{ dir, tags: ["v1"] }] },
      { id: "acme/secret", revisions: [{ dir }], private: true },
      { id: "acme/gated", revisions: [{ dir }], gated: "manual" },
    ],
  });
  const proxy = await startFaultProxy({ target: hub.url });
  onTestFinished(async () => {
    await proxy.close();
    await hub.close();
  });
  const hubCache = join(root, "hf", "hub");
  return { root, dir, hub, proxy, hubCache };
}

const SHARD = "model-00001-of-00002.safetensors";
const SHARD_GET = { method: "GET", path: new RegExp(`/resolve/[0-9a-f]{40}/${SHARD}$`) };

/** Every visible blob holds exactly the content its name (its hash) says; partials may stay for a resume. */
async function expectOnlyVerifiedBlobs(blobs: string): Promise<void> {
  for (const name of (await readdir(blobs)).filter((b) => !b.includes("."))) {
    const path = join(blobs, name);
    expect(await hashFile(path, name.length === 64 ? "sha256" : "git-sha1", (await stat(path)).size)).toBe(name);
  }
}

const resolveGets = (requests: { method: string; path: string }[]) => requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/"));

describe("pull", () => {
  it("lays out the HF cache exactly as huggingface_hub does, verified, and Python reads it offline", async () => {
    const { dir, hub, hubCache } = await serve();
    const snapshots: DownloadProgress[] = [];
    const result = await runToEnd(pullOperation, { repo: "acme/tiny@v1" }, operationDeps({ hubUrl: hub.url, hubCache }), (p) => snapshots.push(p));

    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await folderSha256(result.snapshotPath)).toEqual(await folderSha256(dir));
    expect(result.health?.healthy).toBe(true);
    expect(result.bytesFetched).toBe(result.bytes - (await readFile(join(dir, "config.json"))).byteLength);
    const repoDir = join(hubCache, "models--acme--tiny");
    expect(await readFile(join(repoDir, "refs", "v1"), "utf8")).toBe(result.commit);
    expect(await readlink(join(result.snapshotPath, "docs", "notes", "usage.md"))).toMatch(/^\.\.\/\.\.\/\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    expect(await readlink(join(result.snapshotPath, "model-00001-of-00002.safetensors"))).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]{64}$/);
    expect((await readdir(join(repoDir, "blobs"))).filter((b) => b.includes("."))).toEqual([]);

    expect(snapshots.map((s) => s.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(["downloading", "health-check"]);
    const last = snapshots.at(-1) as DownloadProgress;
    expect(last).toMatchObject({ repoId: "acme/tiny", commit: result.commit, done: last.total, unit: "bytes" });
    expect(last.files.every((f) => f.state === "done" && f.done === f.size)).toBe(true);

    const python = pythonCacheClient(hubCache);
    const scan = await python.scan();
    expect(scan.warnings).toEqual([]);
    expect(scan.repos[0]?.revisions).toEqual([{ commit_hash: result.commit, refs: ["v1"], files: expect.arrayContaining(["usage.md", "config.json"]) }]);
    expect(await python.snapshotDownload("acme/tiny", "v1")).toEqual({ path: result.snapshotPath });
    expect(await python.hfHubDownload("acme/tiny", "docs/notes/usage.md", "v1")).toEqual({ path: join(result.snapshotPath, "docs", "notes", "usage.md") });

    // A second pull finds every blob in place and fetches no content.
    const before = resolveGets(hub.requests).length;
    const again = await runToEnd(pullOperation, { repo: "acme/tiny@v1" }, operationDeps({ hubUrl: hub.url, hubCache }));
    expect(again.bytesFetched).toBe(0);
    expect(resolveGets(hub.requests).length).toBe(before);
  });

  it("selects files with --include/--exclude globs", async () => {
    const { hub, hubCache } = await serve();
    const result = await runToEnd(pullOperation, { repo: "acme/tiny", include: ["*.json", "docs/"], exclude: ["docs/copy-*"] }, operationDeps({ hubUrl: hub.url, hubCache }));
    const names = Object.keys(await folderSha256(result.snapshotPath));
    expect(names).toContain("docs/notes/usage.md");
    expect(names.every((n) => n.endsWith(".json") || n.startsWith("docs/"))).toBe(true);
    expect(names).not.toContain("docs/copy-of-config.json");
    expect(await readFile(join(hubCache, "models--acme--tiny", "refs", "main"), "utf8")).toBe(result.commit);
    expect((await pythonCacheClient(hubCache).scan()).warnings).toEqual([]);
  });

  it("refuses missing, private and gated repositories clearly, creating nothing", async () => {
    const { hub, hubCache } = await serve();
    const deps = operationDeps({ hubUrl: hub.url, hubCache });
    await expect(runToEnd(pullOperation, { repo: "acme/nope" }, deps)).rejects.toMatchObject({ code: "repo_not_found" });
    await expect(runToEnd(pullOperation, { repo: "acme/secret" }, deps)).rejects.toMatchObject({ code: "repo_not_found", message: expect.stringContaining("private") });
    await expect(runToEnd(pullOperation, { repo: "acme/tiny@nope" }, deps)).rejects.toMatchObject({ code: "revision_not_found" });
    await expect(runToEnd(pullOperation, { repo: "acme/gated" }, operationDeps({ hubUrl: hub.url, hubCache, token: TOKEN }))).rejects.toMatchObject({
      code: "access_denied",
      message: expect.stringContaining("gated"),
    });
    await expect(runToEnd(pullOperation, { repo: "acme/x@../../etc" }, deps)).rejects.toMatchObject({ code: "invalid_repo_id" });
    await expect(lstat(hubCache)).rejects.toThrow();
    const ok = await runToEnd(pullOperation, { repo: "acme/secret" }, operationDeps({ hubUrl: hub.url, hubCache, token: TOKEN }));
    expect(ok.health?.healthy).toBe(true);
  });

  it("keeps partials on pause and resumes them from there; a cancel removes them; --clean removes leftovers", async () => {
    const { dir, proxy, hubCache } = await serve();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "slow", bytesPerTick: 8192, tickMs: 20 } });
    const pause = new AbortController();
    const paused = runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache, signal: pause.signal }), (p) => {
      if ((p.files.find((f) => f.path === SHARD)?.done ?? 0) > 30_000) pause.abort("pause");
    });
    await expect(paused).rejects.toMatchObject({ code: "interrupted", message: expect.stringContaining("paused") });
    const blobs = join(hubCache, "models--acme--tiny", "blobs");
    expect((await readdir(blobs)).filter((b) => b.endsWith(".incomplete")).length).toBeGreaterThanOrEqual(1);

    proxy.rules.length = 0;
    const result = await runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache }));
    expect(await folderSha256(result.snapshotPath)).toEqual(await folderSha256(dir));
    const shardGets = proxy.requests.filter((r) => SHARD_GET.path.test(r.path) && r.method === "GET");
    expect(Number(shardGets.at(-1)?.headers.range?.match(/^bytes=(\d+)-/)?.[1])).toBeGreaterThan(30_000);
    expect(await readdir(blobs)).not.toContain(expect.stringContaining("."));

    const otherCache = join(hubCache, "..", "other");
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "slow", bytesPerTick: 8192, tickMs: 20 } });
    const cancel = new AbortController();
    const cancelled = runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache: otherCache, signal: cancel.signal }), (p) => {
      if ((p.files.find((f) => f.path === SHARD)?.done ?? 0) > 0) cancel.abort("cancel");
    });
    await expect(cancelled).rejects.toMatchObject({ code: "cancelled" });
    expect((await readdir(join(otherCache, "models--acme--tiny", "blobs"))).filter((b) => b.includes(".incomplete"))).toEqual([]);

    await writeFile(join(otherCache, "models--acme--tiny", "blobs", "abc.incomplete"), "partial");
    const cleaned = await cleanPartials(otherCache);
    expect(cleaned.removed.map((r) => [r.repoId, r.path.endsWith("abc.incomplete")])).toEqual([["acme/tiny", true]]);
    expect(cleaned.bytes).toBeGreaterThan(0);
  });

  it("recovers from faults mid-file and ends with a cache Python reads offline", async () => {
    const { dir, proxy, hubCache } = await serve();
    const faults: FaultRule[] = [
      { match: SHARD_GET, fault: { kind: "reset", afterBytes: 20_000 }, times: 1 },
      { match: SHARD_GET, fault: { kind: "corrupt", atByte: 123 }, times: 1 },
      { match: { method: "GET", path: "/tree/" }, fault: { kind: "status", status: 503 }, times: 1 },
      { match: { method: "GET", path: "config.json" }, fault: { kind: "status", status: 429, retryAfter: 1 }, times: 1 },
    ];
    proxy.rules.push(...faults);
    const snapshots: DownloadProgress[] = [];
    const started = performance.now();
    const result = await runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache }), (p) => snapshots.push(p));
    const seconds = (performance.now() - started) / 1000;
    expect(await folderSha256(result.snapshotPath)).toEqual(await folderSha256(dir));
    expect(snapshots.at(-1)?.retries).toBe(3);
    // At most ~10 a second, plus the phase changes and the last one.
    expect(snapshots.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 4);
    expect(snapshots.length).toBeGreaterThan(3);
    const python = pythonCacheClient(hubCache);
    expect((await python.scan()).warnings).toEqual([]);
    expect(await python.snapshotDownload("acme/tiny")).toEqual({ path: result.snapshotPath });
  });

  it("fails naming the file and both hashes when a file is always corrupt, and shows nothing of it", async () => {
    const { proxy, hubCache } = await serve();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "corrupt", atByte: 7 } });
    const failure = runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache }));
    await expect(failure).rejects.toMatchObject({ code: "checksum_mismatch", message: expect.stringMatching(/model-00001-of-00002.safetensors .* expected [0-9a-f]{64}, got [0-9a-f]{64}/) });
    const repoDir = join(hubCache, "models--acme--tiny");
    await expectOnlyVerifiedBlobs(join(repoDir, "blobs"));
    const [commit] = await readdir(join(repoDir, "snapshots"));
    expect(await readdir(join(repoDir, "snapshots", commit as string))).not.toContain(SHARD);
  });

  it("refuses every hostile listing with a clear error, and a listing that lies about content with its hash", async () => {
    const { proxy, hubCache } = await serve();
    for (const [name, transform] of Object.entries(HOSTILE_LISTINGS)) {
      proxy.rules.splice(0, proxy.rules.length, { match: { method: "GET", path: "/tree/" }, fault: { kind: "rewriteJson", transform } });
      const cache = join(hubCache, name);
      const started = performance.now();
      const error = await runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache: cache })).then(
        () => null,
        (e: { code: string; message: string }) => e,
      );
      expect({ name, code: error?.code }).toEqual({ name, code: expect.stringMatching(/^(hostile_listing|checksum_mismatch|size_mismatch)$/) });
      expect(performance.now() - started).toBeLessThan(15_000);
      if (error?.code === "hostile_listing") await expect(lstat(cache)).rejects.toThrow();
      else await expectOnlyVerifiedBlobs(join(cache, "models--acme--tiny", "blobs"));
    }
  });

  it("refuses before any byte when the disk cannot hold the download", async () => {
    const { proxy, hubCache } = await serve();
    const huge = (body: unknown) => (body as { size: number; lfs?: { size: number } }[]).map((e) => (e.lfs ? { ...e, size: 2 ** 40, lfs: { ...e.lfs, size: 2 ** 40 } } : e));
    proxy.rules.push({ match: { method: "GET", path: "/tree/" }, fault: { kind: "rewriteJson", transform: huge } });
    await expect(runToEnd(pullOperation, { repo: "acme/tiny" }, operationDeps({ hubUrl: proxy.url, hubCache }))).rejects.toMatchObject({
      code: "insufficient_disk_space",
      message: expect.stringMatching(/needed .* available/),
    });
    await expect(lstat(hubCache)).rejects.toThrow();
    expect(proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/"))).toEqual([]);
  });
});
