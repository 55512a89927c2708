import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { startFaultProxy, type FaultRule } from "../hub-fixture/fault-proxy";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { folderSha256 } from "../hub-fixture/test-support/folder-sha256";
import { makeRepoFolder } from "../hub-fixture/test-support/make-repo-folder";
import { useTempDirs } from "../testing/temp-dir";
import { downloadBlobs } from "./download-blobs";
import { hubClient } from "./hub-client";
import { planDownload, resolveUrl } from "./plan-download";
import type { RetryPolicy } from "./retry-policy";

const tempDir = useTempDirs();
const SHARD = "model-00001-of-00002.safetensors";
const TOKEN = "hf_blobtoken0123456789";
const FAST: RetryPolicy = { maxRetries: 3, maxUnreachableRetries: 1, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5_000 };

async function serve(rules: FaultRule[] = []) {
  const root = await tempDir();
  const dir = await makeRepoFolder(join(root, "src"), { seed: 5 });
  const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir }] }], tokens: [TOKEN] });
  const proxy = await startFaultProxy({ target: hub.url, rules });
  onTestFinished(async () => {
    await proxy.close();
    await hub.close();
  });
  return { root, dir, hub, proxy };
}

/** Plans and downloads acme/tiny through the proxy into `<root>/out/<path>`, as a caller of the downloader would. */
async function download(root: string, hubUrl: string, options: { stallMs?: number; token?: string; repoId?: string; parts?: { requestBytes: number; minShare: number } } = {}) {
  const repoId = options.repoId ?? "acme/tiny";
  const client = hubClient({ hubUrl, ...(options.token ? { accessToken: options.token } : {}) }, fetch);
  const signal = new AbortController().signal;
  const stallMs = options.stallMs ?? 2_000;
  const call = { signal, stallMs, now: () => Date.now(), policy: FAST };
  const plan = await planDownload(client, { repoId, revision: "main" }, call);
  const out = join(root, "out");
  const work = join(root, "work");
  await mkdir(work, { recursive: true });
  let retries = 0;
  const restarts: string[] = [];
  const started = performance.now();
  await downloadBlobs({
    client,
    tasks: plan.files.map((f) => ({ ...f, url: resolveUrl(client, repoId, plan.commit, f.path), partial: { data: join(work, f.etag), record: join(work, `${f.etag}.ranges`) } })),
    signal,
    now: call.now,
    spec: repoId,
    ...(options.parts ? { parts: options.parts } : {}),
    stallMs,
    policy: FAST,
    events: {
      bytes: () => undefined,
      state: () => undefined,
      restart: (task) => restarts.push(task.path),
      retry: () => retries++,
      finish: async (task) => {
        await mkdir(join(out, task.path, ".."), { recursive: true });
        await rename(task.partial.data, join(out, task.path));
      },
    },
  });
  return { out, work, retries, restarts, seconds: (performance.now() - started) / 1000 };
}

/** GETs of the first shard's content at the pinned commit. */
const SHARD_GET = { method: "GET", path: new RegExp(`/resolve/[0-9a-f]{40}/${SHARD}$`) };

describe("downloadBlobs through a faulty server", () => {
  const recoverable: [string, FaultRule["fault"], number][] = [
    ["a dropped connection", { kind: "drop", afterBytes: 3000 }, 2],
    ["a TCP reset", { kind: "reset", afterBytes: 3000 }, 2],
    ["HTTP 503", { kind: "status", status: 503 }, 2],
    ["a stall", { kind: "stall", afterBytes: 3000 }, 1],
    ["a slow drip", { kind: "slow", bytesPerTick: 1, tickMs: 100 }, 1],
    ["a longer body", { kind: "extra", bytes: 5000 }, 1],
    ["an endless body", { kind: "extra", bytes: "endless" }, 1],
  ];
  for (const [name, fault, times] of recoverable) {
    it(`resumes after ${name} and ends byte-identical`, async () => {
      const { root, dir, proxy } = await serve([{ match: SHARD_GET, fault, times }]);
      const result = await download(root, proxy.url, { stallMs: 500 });
      expect(await folderSha256(result.out)).toEqual(await folderSha256(dir));
      expect(result.retries).toBeGreaterThanOrEqual(1);
      expect(await readdir(join(root, "work"))).toEqual([]);
      const ranged = proxy.requests.filter((r) => r.path.endsWith(SHARD) && r.method === "GET").map((r) => r.headers.range);
      // Every retry resumes from the bytes already written, not from zero.
      if (fault.kind !== "status" && fault.kind !== "extra") expect(ranged.slice(1).every((r) => r !== undefined && !r.startsWith("bytes=0-"))).toBe(true);
    });
  }

  it("waits as long as a 429's Retry-After says", async () => {
    const { root, dir, proxy } = await serve();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "status", status: 429, retryAfter: 1 }, times: 1 });
    const result = await download(root, proxy.url);
    expect(result.seconds).toBeGreaterThanOrEqual(1);
    expect(await folderSha256(result.out)).toEqual(await folderSha256(dir));
  });

  const fatal: [string, FaultRule["fault"], RegExp, string][] = [
    // Linux reports a reset that lands on unread data as a plain close: either name is the true cause, never "unreachable".
    ["reset", { kind: "reset", afterBytes: 20000 }, /(reset by the server|closed the connection mid-transfer) after 3 retries while downloading model-00001/, "connection_"],
    ["drop", { kind: "drop", afterBytes: 100 }, /closed the connection mid-transfer after 3 retries/, "connection_closed"],
    ["503", { kind: "status", status: 503 }, /HTTP 503 after 3 retries/, "hub_http_error"],
    ["429 too long", { kind: "status", status: 429, retryAfter: 3600 }, /HTTP 429/, "rate_limited"],
    ["stall", { kind: "stall", afterBytes: 100 }, /stalled \(only 100 bytes arrived in 0.3 s\) after 3 retries/, "download_stalled"],
    ["slow", { kind: "slow", bytesPerTick: 1, tickMs: 200 }, /stalled .* after 3 retries/, "download_stalled"],
  ];
  for (const [name, fault, message, code] of fatal) {
    it(`fails on a server that always answers with a ${name}, naming the cause, in bounded time`, async () => {
      const { root, proxy } = await serve([{ match: SHARD_GET, fault }]);
      const started = performance.now();
      await expect(download(root, proxy.url, { stallMs: 300 })).rejects.toMatchObject({ code: expect.stringContaining(code), message: expect.stringMatching(message) });
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(await readdir(join(root, "out")).catch(() => [])).not.toContain(SHARD);
    });
  }

  it("fetches a corrupted file once more, and names both hashes when it stays corrupt", async () => {
    const { root, dir, proxy } = await serve();
    proxy.rules.push({ match: SHARD_GET, fault: { kind: "corrupt", atByte: 500 }, times: 1 });
    const once = await download(root, proxy.url);
    expect(once.restarts).toEqual([SHARD]);
    expect(await folderSha256(once.out)).toEqual(await folderSha256(dir));

    const again = await serve([{ match: SHARD_GET, fault: { kind: "corrupt", atByte: 500 } }]);
    const failure = download(again.root, again.proxy.url);
    await expect(failure).rejects.toMatchObject({ code: "checksum_mismatch", message: expect.stringMatching(new RegExp(`${SHARD} does not match its sha256 after a second download: expected [0-9a-f]{64}, got [0-9a-f]{64}`)) });
    expect(await readdir(join(again.root, "work"))).toEqual([]);
  });

  it("never sends the token to another host a redirect points at", async () => {
    const { root, dir, hub, proxy } = await serve();
    const seen: IncomingHttpHeaders[] = [];
    // Another loopback host, forwarding to the Hub and recording what it was sent.
    const other = createServer((req, res) => {
      seen.push(req.headers);
      fetch(`${hub.url}${req.url}`, { headers: req.headers.range ? { Range: req.headers.range } : {} }).then(async (answer) => {
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.2", resolve));
    onTestFinished(() => new Promise<void>((resolve) => other.close(() => resolve())));
    const port = (other.address() as { port: number }).port;
    proxy.rules.push({ match: { method: "GET", path: "/resolve/" }, fault: { kind: "redirect", to: `http://127.0.0.2:${port}` } });
    const result = await download(root, proxy.url, { token: TOKEN });
    expect(await folderSha256(result.out)).toEqual(await folderSha256(dir));
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((h) => h.authorization === undefined)).toBe(true);
    expect(proxy.requests.filter((r) => r.path.startsWith("/api/")).every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("refuses a redirect loop and a listing whose next page is itself", async () => {
    const loop = await serve();
    loop.proxy.rules.push({ match: { path: "/resolve/" }, fault: { kind: "redirect", to: loop.proxy.url } });
    await expect(download(loop.root, loop.proxy.url)).rejects.toMatchObject({ code: "hub_protocol_error", message: expect.stringContaining("redirected more than 5 times") });
    const self = await serve([{ match: { path: "/tree/" }, fault: { kind: "selfLink" } }]);
    await expect(download(self.root, self.proxy.url)).rejects.toMatchObject({ code: "hub_protocol_error", message: expect.stringContaining("points back at a page already read") });
    expect(await readFile(join(self.root, "out")).catch(() => null)).toBeNull();
  });
});

describe("downloadBlobs over several connections", () => {
  const MiB = 1 << 20;
  const parts = { requestBytes: 2 * MiB, minShare: MiB };

  /** One 40 MiB file behind a link shaped as `link` says; the parts its download was cut into (requests that do not continue an earlier one). */
  async function partsOver(link: { bandwidth: number } | { connectionBandwidth: number }) {
    const root = await tempDir();
    const dir = join(root, "src");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "big.safetensors"), randomBytes(40 * MiB));
    const hub = await startHubFixture({ repos: [{ id: "acme/big", revisions: [{ dir }] }], ...link });
    onTestFinished(() => hub.close());
    const result = await download(root, hub.url, { repoId: "acme/big", parts });
    expect(await folderSha256(result.out)).toEqual(await folderSha256(dir));
    const ranges = hub.requests
      .filter((r) => r.method === "GET" && r.path.endsWith("/big.safetensors"))
      .map((r) => (r.headers.range ?? "bytes=0-").match(/^bytes=(\d+)-(\d*)$/) as RegExpMatchArray)
      .map((m) => [Number(m[1]), Number(m[2]) + 1]);
    return ranges.filter(([start], index) => !ranges.slice(0, index).some(([, end]) => end === start)).length;
  }

  it("splits a file over more connections where each connection is capped, as a CDN caps them", async () => {
    expect(await partsOver({ connectionBandwidth: 6_000_000 })).toBeGreaterThanOrEqual(4);
  });

  it("stops splitting after one trial where the link, not the connection, is the limit", async () => {
    expect(await partsOver({ bandwidth: 14_000_000 })).toBeLessThanOrEqual(2);
  });
});
