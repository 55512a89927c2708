import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../factory/make-model";
import { checkModel } from "../health/check-model";
import { startFaultProxy } from "../hub-fixture/fault-proxy";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { folderSha256 } from "../hub-fixture/test-support/folder-sha256";
import { operationDeps } from "../testing/operation-deps";
import { useTempDirs } from "../testing/temp-dir";
import { readSentinel, SENTINEL_FILE } from "../workspace/sentinel";
import { cloneOperation, type CloneInput } from "./clone";
import { runToEnd } from "./operation";
import { pullOperation, type DownloadProgress } from "./pull";

const tempDir = useTempDirs();
const SHARD = "model-00002-of-00003.safetensors";
const SHARD_GET = { method: "GET", path: new RegExp(`/resolve/[0-9a-f]{40}/${SHARD}$`) };

async function setup() {
  const root = await tempDir();
  const healthy = await makeModel({ dir: join(root, "src", "healthy"), shards: 3 });
  const broken = await makeModel({ dir: join(root, "src", "broken"), shards: 3, defects: ["index-missing-shards"] });
  const v2 = await makeModel({ dir: join(root, "src", "v2"), shards: 3, seed: 7 });
  const withSentinel = await makeModel({ dir: join(root, "src", "sentinel"), shards: 3, seed: 9 });
  await writeFile(join(withSentinel.dir, SENTINEL_FILE), JSON.stringify({ managed: true, operation: "clone", clone_status: "complete" }));
  const hub = await startHubFixture({
    tokens: ["hf_secret"],
    repos: [
      { id: "acme/tiny-llama", revisions: [{ dir: healthy.dir, tags: ["v1"] }, { dir: v2.dir }] },
      { id: "acme/broken-index", revisions: [{ dir: broken.dir }] },
      { id: "acme/secret", revisions: [{ dir: healthy.dir }], private: true },
      { id: "acme/with-sentinel", revisions: [{ dir: withSentinel.dir }] },
    ],
  });
  const proxy = await startFaultProxy({ target: hub.url });
  onTestFinished(async () => {
    await proxy.close();
    await hub.close();
  });
  const hubCache = join(root, "hf", "hub");
  await mkdir(hubCache, { recursive: true });
  const deps = (options: { signal?: AbortSignal; token?: string } = {}) => operationDeps({ hubUrl: proxy.url, hubCache, ...options });
  const clone = (input: CloneInput, options: { signal?: AbortSignal; token?: string } = {}, onProgress?: (p: DownloadProgress) => void) =>
    runToEnd(cloneOperation, input, deps(options), onProgress);
  return { root, hub, proxy, hubCache, deps, clone, healthy, v2 };
}

const contentGets = (requests: { method: string; path: string }[]) => requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/"));

describe("clone", () => {
  it("clones a revision into a managed workspace, byte for byte, recording the resolved commit", async () => {
    const { root, clone, v2 } = await setup();
    const phases = new Set<string>();
    const result = await clone({ repo: "acme/tiny-llama", target: join(root, "ws") }, {}, (p) => phases.add(p.phase));
    expect(await folderSha256(result.target)).toEqual({ ...(await folderSha256(v2.dir)), [SENTINEL_FILE]: expect.any(String) });
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.health?.healthy).toBe(true);
    expect(result.bytesFetched).toBe(result.bytes);
    expect([...phases]).toEqual(["downloading", "health-check"]);
    expect(await readSentinel(result.target)).toMatchObject({
      managed: true,
      operation: "clone",
      source_repo: "acme/tiny-llama",
      source_revision: result.commit,
      requested_revision: "main",
      clone_status: "complete",
      content_hash: result.contentHash,
    });
  });

  it("clones an older revision by tag, and a broken repository so it can be repaired", async () => {
    const { root, clone, healthy } = await setup();
    const v1 = await clone({ repo: "acme/tiny-llama@v1", target: join(root, "ws") });
    expect(await folderSha256(v1.target)).toMatchObject(await folderSha256(healthy.dir));
    expect((await readSentinel(v1.target))?.requested_revision).toBe("v1");
    const broken = await clone({ repo: "acme/broken-index", target: join(root, "broken") });
    expect(broken.health?.healthy).toBe(false);
    expect(broken.health?.findings.map((f) => f.id)).toContain("index-shard-mismatch");
  });

  it("refuses targets in the cache or with files, and leaves them alone", async () => {
    const { root, hubCache, clone } = await setup();
    await expect(clone({ repo: "acme/tiny-llama", target: join(hubCache, "x") })).rejects.toMatchObject({ code: "target_in_cache" });
    const busy = join(root, "busy");
    await mkdir(busy);
    await writeFile(join(busy, "mine.txt"), "keep");
    await expect(clone({ repo: "acme/tiny-llama", target: busy })).rejects.toMatchObject({ code: "target_not_empty" });
    expect(await readdir(busy)).toEqual(["mine.txt"]);
  });

  it("starts over in a folder a run killed before its sentinel left with only its own leftovers", async () => {
    const { root, clone, v2 } = await setup();
    const target = join(root, "killed-early");
    await mkdir(join(target, ".whet-clone"), { recursive: true });
    await writeFile(join(target, ".whet-clone", "0123abcd"), "partial");
    await writeFile(join(target, `${SENTINEL_FILE}.tmp`), "{");
    const result = await clone({ repo: "acme/tiny-llama", target });
    expect(await folderSha256(result.target)).toEqual({ ...(await folderSha256(v2.dir)), [SENTINEL_FILE]: expect.any(String) });
  });

  it("maps Hub errors to errors with a fix, creating nothing", async () => {
    const { root, clone } = await setup();
    const target = join(root, "ws");
    await expect(clone({ repo: "acme/nope", target })).rejects.toMatchObject({ code: "repo_not_found" });
    await expect(clone({ repo: "acme/tiny-llama@no-such-branch", target })).rejects.toMatchObject({ code: "revision_not_found" });
    await expect(clone({ repo: "acme/secret", target })).rejects.toMatchObject({ code: "repo_not_found" });
    await expect(runToEnd(cloneOperation, { repo: "acme/x", target }, operationDeps({ hubUrl: "http://127.0.0.1:1", hubCache: join(root, "other", "hub") }))).rejects.toMatchObject({ code: "hub_unreachable" });
    await expect(clone({ repo: "not a repo", target })).rejects.toMatchObject({ code: "invalid_repo_id" });
    await expect(readdir(target)).rejects.toThrow();
    const ok = await clone({ repo: "acme/secret", target }, { token: "hf_secret" });
    expect(ok.files).toBeGreaterThan(5);
  });

  it("copies what the HF cache holds at that commit and downloads only the rest", async () => {
    const { root, hubCache, proxy, clone, deps, v2 } = await setup();
    await runToEnd(pullOperation, { repo: "acme/tiny-llama", include: ["*.safetensors"] }, deps());
    const before = contentGets(proxy.requests).length;
    const result = await clone({ repo: "acme/tiny-llama", target: join(root, "ws") });
    const fetched = contentGets(proxy.requests).slice(before).map((r) => r.path.split("/").at(-1));
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.some((name) => name?.endsWith(".safetensors"))).toBe(false);
    expect(result.bytesFromCache).toBeGreaterThan(0);
    expect(result.bytesFetched + result.bytesFromCache).toBe(result.bytes);
    expect(await folderSha256(result.target)).toMatchObject(await folderSha256(v2.dir));
    // The cache is read, never changed.
    expect((await readdir(join(hubCache, "models--acme--tiny-llama", "blobs"))).every((b) => !b.includes("."))).toBe(true);
  });

  it("skips a repository's own workspace sentinel", async () => {
    const { root, clone } = await setup();
    const result = await clone({ repo: "acme/with-sentinel", target: join(root, "ws") });
    expect(result.skipped).toEqual([SENTINEL_FILE]);
    expect(await readSentinel(result.target)).toMatchObject({ source_repo: "acme/with-sentinel", clone_status: "complete", tool: "whetstone" });
  });

  it("leaves no target when a file disappears mid-way or stays corrupt, reporting that first error", async () => {
    const { root, proxy, clone } = await setup();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "status", status: 404, body: JSON.stringify({ error: "Entry not found" }) } });
    await expect(clone({ repo: "acme/tiny-llama", target: join(root, "ws") })).rejects.toMatchObject({ code: "file_not_found", message: expect.stringContaining(SHARD) });
    await expect(readdir(join(root, "ws"))).rejects.toThrow();

    proxy.rules.splice(0, 1, { match: SHARD_GET, fault: { kind: "corrupt", atByte: 99 } });
    const empty = join(root, "empty");
    await mkdir(empty);
    await expect(clone({ repo: "acme/tiny-llama", target: empty })).rejects.toMatchObject({ code: "checksum_mismatch", message: expect.stringContaining(SHARD) });
    expect(await readdir(empty)).toEqual([]);
  });

  it("removes everything it wrote when cancelled; paused, it stays marked incomplete and resumes", async () => {
    const { root, proxy, clone, v2 } = await setup();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "slow", bytesPerTick: 4096, tickMs: 20 } });
    const target = join(root, "ws");
    const cancel = new AbortController();
    await expect(
      clone({ repo: "acme/tiny-llama", target }, { signal: cancel.signal }, (p) => {
        if (p.files.some((f) => f.state === "done")) cancel.abort();
      }),
    ).rejects.toMatchObject({ code: "cancelled" });
    await expect(readdir(target)).rejects.toThrow();

    const pause = new AbortController();
    await expect(
      clone({ repo: "acme/tiny-llama", target }, { signal: pause.signal }, (p) => {
        if ((p.files.find((f) => f.path === SHARD)?.done ?? 0) > 10_000) pause.abort("pause");
      }),
    ).rejects.toMatchObject({ code: "interrupted" });
    const health = await checkModel(target);
    expect(health.healthy).toBe(false);
    expect(health.findings[0]).toMatchObject({ id: "clone-incomplete", reason: "incomplete clone: re-run the clone" });

    proxy.rules.length = 0;
    const before = proxy.requests.length;
    const result = await clone({ repo: "acme/tiny-llama", target });
    expect(await folderSha256(result.target)).toMatchObject(await folderSha256(v2.dir));
    expect(result.health?.healthy).toBe(true);
    const resumed = proxy.requests.slice(before).filter((r) => SHARD_GET.path.test(r.path));
    expect(Number(resumed.at(-1)?.headers.range?.match(/^bytes=(\d+)-/)?.[1])).toBeGreaterThan(10_000);
    expect(await readFile(join(target, ".whet-clone")).catch((e: NodeJS.ErrnoException) => e.code)).toBe("ENOENT");
  });
});

describe("health of an unfinished clone", () => {
  it("blocks loading while the sentinel says cloning, whatever the files look like", async () => {
    const dir = join(await tempDir(), "ws");
    await makeModel({ dir, shards: 2 });
    expect((await checkModel(dir)).healthy).toBe(true);
    await writeFile(join(dir, SENTINEL_FILE), JSON.stringify({ mlxk_version: "2.0.8", created_at: "2026-01-01T10:00:00.000000Z", managed: true, operation: "clone", source_repo: "acme/x", clone_status: "cloning" }));
    const report = await checkModel(dir);
    expect(report).toMatchObject({ healthy: false, reason: "incomplete clone: re-run the clone", managed: true });
    expect(report.findings.map((f) => f.id)).toEqual(["clone-incomplete"]);
    await writeFile(join(dir, SENTINEL_FILE), JSON.stringify({ mlxk_version: "2.0.8", created_at: "2026-01-01T10:00:00.000000Z", managed: true, operation: "clone", clone_status: "success" }));
    expect((await checkModel(dir)).healthy).toBe(true);
  });
});
