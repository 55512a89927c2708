import { createWriteStream } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { startFaultProxy } from "../../lib/hub-fixture/fault-proxy";
import { startHubFixture } from "../../lib/hub-fixture/start-hub-fixture";
import { folderSha256 } from "../../lib/hub-fixture/test-support/folder-sha256";
import { makeRepoFolder } from "../../lib/hub-fixture/test-support/make-repo-folder";
import { pythonCacheClient } from "../../lib/hub-fixture/test-support/python-cache-client";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();
const bin = join(process.cwd(), "bin", "whet.mjs");
const BIG = "big.dat";
const BIG_SIZE = 80 * 1024 * 1024;
const PART = 16 * 1024 * 1024;

async function writeRandom(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= 1 << 20) {
    if (!out.write(randomBytes(Math.min(left, 1 << 20)))) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** A pass-through in front of the Hub that counts the body bytes it hands out per file name. */
async function countingForwarder(target: string) {
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const name = decodeURIComponent(req.url?.split("?")[0]?.split("/").at(-1) ?? "");
      answer.on("data", (chunk: Buffer) => served.set(name, (served.get(name) ?? 0) + chunk.byteLength));
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, served };
}

async function serve(options: { big?: boolean } = {}) {
  const root = await tempDir();
  const dir = await makeRepoFolder(join(root, "src"), { seed: 8 });
  if (options.big) await writeRandom(join(dir, BIG), BIG_SIZE);
  const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir }] }] });
  const proxy = await startFaultProxy({ target: hub.url });
  onTestFinished(async () => {
    await proxy.close();
    await hub.close();
  });
  const hubCache = join(root, "hf", "hub");
  const env = (hubUrl: string) => ({ HF_ENDPOINT: hubUrl, HF_HOME: join(root, "hf"), HF_HUB_CACHE: hubCache, WHET_HOME: join(root, "home"), HF_TOKEN: "" });
  const whet = async (args: string[], hubUrl = proxy.url) => {
    const result = await execa("node", [bin, ...args], { env: env(hubUrl), cwd: root, reject: false });
    return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, json: args.includes("--json") ? (JSON.parse(result.stdout) as Record<string, unknown>) : null };
  };
  return { root, dir, hub, proxy, hubCache, env, whet };
}

/** Bytes the partial's record says are on disk, or 0. */
async function recorded(blobs: string): Promise<number> {
  const name = (await readdir(blobs).catch(() => [])).find((n) => n.endsWith(".incomplete.ranges"));
  if (!name) return 0;
  try {
    const { done } = JSON.parse(await readFile(join(blobs, name), "utf8")) as { done: [number, number][] };
    return done.reduce((n, [a, b]) => n + b - a, 0);
  } catch {
    return 0;
  }
}

describe("whet pull (real binary)", () => {
  it("pulls into the cache with mlx-knife's fields, answers already_exists, asks before resuming an unhealthy model, cleans partials", async () => {
    const { dir, hubCache, whet } = await serve();
    const first = await whet(["pull", "acme/tiny", "--json"]);
    expect(first.code).toBe(0);
    const data = (first.json as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ model: "acme/tiny", download_status: "success", expanded_name: null, commit_hash: expect.stringMatching(/^[0-9a-f]{40}$/), files: 9, bytes_fetched: data.bytes });
    expect(data.message).toBe(`Downloaded to ${String(data.snapshot_path)}`);
    expect(data.health).toMatchObject({ healthy: true });
    expect(await folderSha256(String(data.snapshot_path))).toEqual(await folderSha256(dir));

    expect((await whet(["pull", "acme/tiny", "--json"])).json).toMatchObject({ status: "success", data: { download_status: "already_exists", message: "Model acme/tiny already exists in cache" } });

    // A lost blob: the snapshot's link breaks and the model is unhealthy.
    const blobs = join(hubCache, "models--acme--tiny", "blobs");
    const shardBlob = (await readdir(blobs)).find((b) => b.length === 64) as string;
    await rm(join(blobs, shardBlob));
    const asked = await whet(["pull", "acme/tiny", "--json"]);
    expect([asked.code, asked.json]).toMatchObject([0, { status: "success", data: { download_status: "requires_confirmation", message: expect.stringMatching(/Use --force-resume to attempt resume or 'whet rm' to delete\.$/) } }]);
    const refused = await whet(["pull", "acme/tiny"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--force-resume");
    const resumed = await whet(["pull", "acme/tiny", "--force-resume", "--json"]);
    expect(resumed.json).toMatchObject({ data: { download_status: "success", health: { healthy: true } } });
    expect((resumed.json as { data: { bytes_fetched: number } }).data.bytes_fetched).toBeGreaterThan(0);
    expect((resumed.json as { data: { bytes_fetched: number; bytes: number } }).data.bytes_fetched).toBeLessThan((resumed.json as { data: { bytes: number } }).data.bytes);
    expect((await pythonCacheClient(hubCache).scan()).warnings).toEqual([]);

    await mkdir(blobs, { recursive: true });
    const clean = await whet(["pull", "--clean", "--json"]);
    expect(clean.json).toMatchObject({ status: "success", data: { removed: [], freed_bytes: 0 } });
    const usage = await whet(["pull"]);
    expect(usage.code).toBe(2);
  });

  it("resumes a pull killed half-way, fetching again under 1% of what it had (plus one part)", async () => {
    const { root, proxy, hubCache, env } = await serve({ big: true });
    proxy.rules.push({ match: { method: "GET", path: BIG }, fault: { kind: "slow", bytesPerTick: 64 * 1024, tickMs: 15 } });
    const counter = await countingForwarder(proxy.url);
    const blobs = join(hubCache, "models--acme--tiny", "blobs");
    const child = execa("node", [bin, "pull", "acme/tiny", "--json"], { env: env(counter.url), cwd: root, reject: false });
    while ((await recorded(blobs)) < BIG_SIZE / 2) {
      if (child.exitCode !== null) throw new Error(`pull ended before the kill: ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGKILL");
    await child;
    const beforeKill = counter.served.get(BIG) ?? 0;
    expect((await readdir(blobs)).some((b) => b.endsWith(".incomplete"))).toBe(true);

    proxy.rules.length = 0;
    const again = await execa("node", [bin, "pull", "acme/tiny", "--force-resume", "--json"], { env: env(counter.url), cwd: root, reject: false });
    expect(again.exitCode).toBe(0);
    const data = (JSON.parse(again.stdout) as { data: { snapshot_path: string; health: { healthy: boolean } } }).data;
    expect(data.health.healthy).toBe(true);
    expect((await folderSha256(data.snapshot_path))[BIG]).toBe((await folderSha256(join(root, "src")))[BIG]);
    // The counter holds both runs: whatever it served beyond the file's size was fetched twice.
    const refetched = (counter.served.get(BIG) ?? 0) - BIG_SIZE;
    console.log(`kill-and-resume: ${beforeKill} bytes received before the kill, ${refetched} fetched again (${((refetched / beforeKill) * 100).toFixed(2)}%)`);
    expect(refetched).toBeLessThanOrEqual(beforeKill * 0.01 + PART);
    expect(refetched).toBeLessThan(beforeKill * 0.05);
  });

  it("keeps the partial download on Ctrl-C and says to resume with the same command", async () => {
    const { root, proxy, hubCache, env } = await serve({ big: true });
    proxy.rules.push({ match: { method: "GET", path: BIG }, fault: { kind: "slow", bytesPerTick: 64 * 1024, tickMs: 15 } });
    const blobs = join(hubCache, "models--acme--tiny", "blobs");
    const child = execa("node", [bin, "pull", "acme/tiny"], { env: env(proxy.url), cwd: root, reject: false });
    while ((await recorded(blobs)) < 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/interrupted; the partial download is kept/);
    expect(result.stderr).toContain("Resume with the same command");
    expect(await recorded(blobs)).toBeGreaterThan(4 * 1024 * 1024);
  });
});
