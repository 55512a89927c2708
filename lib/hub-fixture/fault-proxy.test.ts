import { readFile } from "node:fs/promises";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { listFiles } from "@huggingface/hub";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { startFaultProxy, type FaultRule } from "./fault-proxy";
import { startHubFixture } from "./start-hub-fixture";
import { folderSha256 } from "./test-support/folder-sha256";
import { makeRepoFolder } from "./test-support/make-repo-folder";

const tempDir = useTempDirs();
const SHARD = "model-00001-of-00002.safetensors";
const TOKEN = "hf_proxytoken0123456789";
const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function serve(rules: FaultRule[] = []) {
  const dir = await makeRepoFolder(await tempDir(), { seed: 31 });
  const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir }] }], tokens: [TOKEN], pageSize: 3 });
  const proxy = await startFaultProxy({ target: hub.url, rules });
  onTestFinished(async () => {
    await proxy.close();
    await hub.close();
  });
  const shard = await readFile(join(dir, SHARD));
  return { dir, hub, proxy, shard, shardUrl: `${proxy.url}/acme/tiny/resolve/main/${SHARD}` };
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The response ended as HTTP says it should (whole Content-Length, or the last chunk). */
  complete: boolean;
  error: NodeJS.ErrnoException | null;
  /** Milliseconds from the request to the last body byte received. */
  lastByteMs: number;
}

/** A GET through node:http that reports what arrived and how it ended, instead of throwing. */
function rawGet(url: string, options: { headers?: Record<string, string>; giveUpMs?: number; method?: string; maxBytes?: number } = {}): Promise<RawAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let lastByteMs = 0;
    let answer: Pick<RawAnswer, "status" | "headers"> = { status: 0, headers: {} };
    let settled = false;
    const finish = (complete: boolean, error: NodeJS.ErrnoException | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...answer, body: Buffer.concat(chunks), complete, error, lastByteMs });
    };
    const req = request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      answer = { status: res.statusCode ?? 0, headers: res.headers };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.byteLength;
        lastByteMs = performance.now() - started;
        if (received >= (options.maxBytes ?? Infinity)) finish(false, null);
      });
      res.on("end", () => finish(res.complete, null));
      res.on("error", (error) => finish(false, error));
    });
    req.on("error", (error) => finish(false, error));
    req.end();
    const timer = setTimeout(() => finish(false, null), options.giveUpMs ?? 10_000);
  });
}

describe("fault proxy", () => {
  it("passes requests and answers through unchanged, with pagination kept on the proxy", async () => {
    const { hub, proxy, shard, shardUrl } = await serve();
    const whole = await rawGet(shardUrl, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(whole).toMatchObject({ status: 200, complete: true, error: null });
    expect(whole.body.equals(shard)).toBe(true);
    expect(whole.headers).toMatchObject({
      "content-length": String(shard.byteLength),
      "x-repo-commit": expect.stringMatching(/^[0-9a-f]{40}$/),
      "x-linked-size": String(shard.byteLength),
      "x-linked-etag": expect.stringMatching(/^"[0-9a-f]{64}"$/),
    });
    const seen = hub.requests.at(-1);
    expect(seen?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, host: new URL(hub.url).host });

    const part = await rawGet(shardUrl, { headers: { Range: "bytes=1000-1999" } });
    expect(part).toMatchObject({ status: 206, complete: true });
    expect(part.headers["content-range"]).toBe(`bytes 1000-1999/${shard.byteLength}`);
    expect(part.body.equals(shard.subarray(1000, 2000))).toBe(true);

    const config = await fetch(`${proxy.url}/acme/tiny/resolve/main/config.json`, { method: "HEAD" });
    expect(config.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
    const posted = await fetch(`${proxy.url}/api/models/acme/tiny/paths-info/main`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ paths: ["config.json"] }),
    });
    expect(await posted.json()).toEqual([expect.objectContaining({ path: "config.json", type: "file" })]);

    const files = [];
    for await (const file of listFiles({ repo: "acme/tiny", hubUrl: proxy.url, recursive: true })) files.push(file.path);
    expect(files).toContain(SHARD);
    const pages = proxy.requests.filter((r) => r.path.startsWith("/api/models/acme/tiny/tree/main"));
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.slice(1).every((r) => r.path.includes("cursor="))).toBe(true);
    expect(proxy.requests.every((r) => r.fault === null)).toBe(true);
  });

  it("drops the connection after N body bytes", async () => {
    const { proxy, shard, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "drop", afterBytes: 1000 } }]);
    const cut = await rawGet(shardUrl);
    expect(cut.headers["content-length"]).toBe(String(shard.byteLength));
    expect(cut.complete).toBe(false);
    expect(cut.body.equals(shard.subarray(0, 1000))).toBe(true);
    await expect(fetch(shardUrl).then((r) => r.arrayBuffer())).rejects.toThrow(TypeError);
    expect(proxy.requests.map((r) => r.fault)).toEqual(["drop", "drop"]);

    // At 0 bytes the headers still arrive first.
    proxy.rules[0] = { match: { path: SHARD }, fault: { kind: "drop", afterBytes: 0 } };
    const empty = await rawGet(shardUrl);
    expect([empty.status, empty.body.byteLength, empty.complete]).toEqual([200, 0, false]);
  });

  it("resets the connection after N body bytes", async () => {
    const { proxy, shard, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "reset", afterBytes: 4096 } }]);
    const cut = await rawGet(shardUrl);
    expect(cut.status).toBe(200);
    expect(cut.error?.code).toBe("ECONNRESET");
    expect(cut.body.byteLength).toBeLessThanOrEqual(4096);
    expect(cut.body.equals(shard.subarray(0, cut.body.byteLength))).toBe(true);

    proxy.rules[0] = { match: { path: SHARD }, fault: { kind: "reset", afterBytes: 0 } };
    const early = await rawGet(shardUrl);
    expect([early.status, early.body.byteLength, early.error?.code]).toEqual([200, 0, "ECONNRESET"]);
  });

  it("answers an injected status a set number of times, then passes through", async () => {
    const { proxy, shardUrl } = await serve([
      { match: { method: "GET", path: /resolve\/main\/model-0000\d/ }, fault: { kind: "status", status: 429, retryAfter: 7 }, times: 1 },
      { match: { path: "config.json" }, fault: { kind: "status", status: 503, body: "busy" } },
    ]);
    const limited = await fetch(shardUrl);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(await limited.json()).toEqual({ error: expect.stringContaining("429") });
    expect((await fetch(shardUrl)).status).toBe(200);
    // The rule is for GET only: a HEAD of the same file was never affected.
    expect((await fetch(shardUrl, { method: "HEAD" })).status).toBe(200);

    const busy = await fetch(`${proxy.url}/acme/tiny/resolve/main/config.json`);
    expect([busy.status, await busy.text()]).toEqual([503, "busy"]);
    expect(proxy.requests.map((r) => r.fault)).toEqual(["status", null, null, "status"]);
  });

  it("stalls after N bytes until the client gives up, and close() ends stalled and endless answers at once", async () => {
    const { proxy, shardUrl } = await serve([
      { match: { path: SHARD }, fault: { kind: "stall", afterBytes: 5000 } },
      { match: { path: "tokenizer.json" }, fault: { kind: "extra", bytes: "endless" } },
    ]);
    const stalled = await rawGet(shardUrl, { giveUpMs: 600 });
    expect(stalled.status).toBe(200);
    expect(stalled.body.byteLength).toBe(5000);
    expect(stalled.complete).toBe(false);
    expect(stalled.lastByteMs).toBeLessThan(400);

    const pending = [rawGet(shardUrl, { giveUpMs: 20_000 }), rawGet(`${proxy.url}/acme/tiny/resolve/main/tokenizer.json`, { giveUpMs: 20_000 })];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await proxy.close();
    expect(performance.now() - started).toBeLessThan(1000);
    const [held, endless] = await Promise.all(pending);
    expect(held?.body.byteLength).toBe(5000);
    expect(held?.complete).toBe(false);
    expect(endless?.complete).toBe(false);
  });

  it("trickles a slow body, intact", async () => {
    const { shard, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "slow", bytesPerTick: 16_384, tickMs: 25 } }]);
    const slow = await rawGet(shardUrl);
    expect(slow.complete).toBe(true);
    expect(slow.body.equals(shard)).toBe(true);
    const ticks = Math.ceil(shard.byteLength / 16_384);
    expect(slow.lastByteMs).toBeGreaterThanOrEqual((ticks - 1) * 25 - 5);
  });

  it("flips one bit at exactly one offset", async () => {
    const { shard, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "corrupt", atByte: 100_000 } }]);
    const bad = await rawGet(shardUrl);
    expect(bad.complete).toBe(true);
    expect(bad.body.byteLength).toBe(shard.byteLength);
    const differ = [...bad.body.keys()].filter((i) => bad.body[i] !== shard[i]);
    expect(differ).toEqual([100_000]);
    expect(bad.body[100_000]! ^ shard[100_000]!).toBe(1);
  });

  it("sends more bytes than the file after the real body", async () => {
    const { proxy, shard, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "extra", bytes: 70_000 } }]);
    const more = await rawGet(shardUrl);
    expect(more.complete).toBe(true);
    expect(more.headers["content-length"]).toBeUndefined();
    expect(more.headers["transfer-encoding"]).toBe("chunked");
    expect(more.headers["x-linked-size"]).toBe(String(shard.byteLength));
    expect(more.body.byteLength).toBe(shard.byteLength + 70_000);
    expect(more.body.subarray(0, shard.byteLength).equals(shard)).toBe(true);

    proxy.rules.splice(0, 1, { match: { path: SHARD }, fault: { kind: "extra", bytes: "endless" } });
    const endless = await rawGet(shardUrl, { maxBytes: shard.byteLength + 4 * 1024 * 1024 });
    expect(endless.body.byteLength).toBeGreaterThanOrEqual(shard.byteLength + 4 * 1024 * 1024);
  });

  it("redirects to another origin with the original path and query, and passes a target's redirect through", async () => {
    const recorded: string[] = [];
    const recorder = createServer((req, res) => {
      recorded.push(req.url ?? "");
      res.end("recorded");
    });
    await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.2", resolve));
    onTestFinished(() => new Promise<void>((resolve) => recorder.close(() => resolve())));
    const other = `http://127.0.0.2:${(recorder.address() as AddressInfo).port}`;

    const { proxy, shardUrl } = await serve([{ match: { path: SHARD }, fault: { kind: "redirect", to: `${other}/` } }]);
    const moved = await fetch(`${shardUrl}?download=true`, { redirect: "manual" });
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe(`${other}/acme/tiny/resolve/main/${SHARD}?download=true`);
    expect(await (await fetch(`${shardUrl}?download=true`)).text()).toBe("recorded");
    expect(recorded).toEqual([`/acme/tiny/resolve/main/${SHARD}?download=true`]);

    const front = await startFaultProxy({ target: proxy.url });
    onTestFinished(() => front.close());
    const passed = await fetch(`${front.url}/acme/tiny/resolve/main/${SHARD}`, { redirect: "manual" });
    expect([passed.status, passed.headers.get("location")]).toEqual([302, `${other}/acme/tiny/resolve/main/${SHARD}`]);
    expect(recorded).toHaveLength(1);
  });

  it("rewrites a JSON answer with a fitting Content-Length", async () => {
    const seen: { method: string; path: string }[] = [];
    const { proxy } = await serve([
      {
        match: { path: "/tree/" },
        fault: {
          kind: "rewriteJson",
          transform: (body, req) => {
            seen.push(req);
            return [...(body as object[]), { type: "file", oid: "0".repeat(40), size: 1, path: "../escape" }];
          },
        },
        times: 1,
      },
    ]);
    const listing = `${proxy.url}/api/models/acme/tiny/tree/main?recursive=true&limit=2`;
    const rewritten = await fetch(listing);
    const text = await rewritten.text();
    expect(rewritten.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const entries = JSON.parse(text) as { path: string }[];
    expect(entries.map((e) => e.path)).toHaveLength(3);
    expect(entries.at(-1)?.path).toBe("../escape");
    expect(seen).toEqual([{ method: "GET", path: "/api/models/acme/tiny/tree/main?recursive=true&limit=2" }]);
    expect(rewritten.headers.get("link")).toContain(`<${proxy.url}/api/models/acme/tiny/tree/main?`);
    expect((await (await fetch(listing)).json()) as unknown[]).toHaveLength(2);
  });

  it("adds a next link that points at the same page", async () => {
    const { proxy } = await serve([{ match: { path: "/tree/" }, fault: { kind: "selfLink" } }]);
    const page = `${proxy.url}/api/models/acme/tiny/tree/main?recursive=true`;
    const answer = await fetch(page);
    expect(answer.headers.get("link")).toBe(`<${page}>; rel="next"`);
    expect(((await answer.json()) as unknown[]).length).toBe(3);
  });

  it("serves Python huggingface_hub a byte-identical snapshot when no rule applies", async () => {
    const { dir, proxy } = await serve();
    const home = await tempDir();
    const result = await execa(
      process.env.WHET_PYTHON ?? join(PROJECT_ROOT, ".venv", "bin", "python"),
      [join(PROJECT_ROOT, "python", "interop", "hub_client.py"), "snapshot-download", "--repo", "acme/tiny", "--revision", "main"],
      {
        extendEnv: false,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          HF_HOME: home,
          HF_HUB_CACHE: join(home, "hub"),
          HF_ENDPOINT: proxy.url,
          HF_HUB_DISABLE_XET: "1",
          HF_HUB_DISABLE_TELEMETRY: "1",
          HF_HUB_DISABLE_PROGRESS_BARS: "1",
          HF_HUB_DISABLE_UPDATE_CHECK: "1",
        },
      },
    );
    const { path } = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { path: string };
    expect(await folderSha256(path)).toEqual(await folderSha256(dir));
    expect(proxy.requests.filter((r) => r.method === "GET" && r.path.includes(`/resolve/`)).length).toBeGreaterThanOrEqual(9);
  });
});
