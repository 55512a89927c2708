import { mkdir, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../lib/config";
import { makeModel } from "../../lib/factory/make-model";
import { createRunnerPool } from "../../lib/runner/runner-pool";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { serveOpenAI } from "./standalone-server";

const tempDir = useTempDirs();

/** A workspace root with a healthy and a broken workspace, and a cache with one model (the layout huggingface_hub writes). */
async function setUp() {
  const root = await tempDir();
  const workspaceRoot = join(root, "workspaces");
  const hubCache = join(root, "hub");
  await makeModel({ dir: join(workspaceRoot, "chatty"), seed: 31 });
  await makeModel({ dir: join(workspaceRoot, "broken"), seed: 32, shards: 2, defects: ["index-missing-keys"] });
  const commit = "a".repeat(40);
  const repo = join(hubCache, "models--acme--cached-tiny");
  await makeModel({ dir: join(repo, "snapshots", commit), seed: 33 });
  await mkdir(join(repo, "refs"), { recursive: true });
  await writeFile(join(repo, "refs", "main"), commit);

  const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot, hubCache } });
  const server = await serveOpenAI({ host: "127.0.0.1", port: 0, roots: { workspaceRoot, hubCache }, ctx: { pool } });
  onTestFinished(async () => {
    await server.close();
    await pool.stopAll();
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
  return { server, pool, client };
}

describe("OpenAI-compatible API, driven by the official openai client", () => {
  it("lists runnable models, streams chat with real usage, and matches the non-streamed reply", async () => {
    const { client, pool } = await setUp();

    const models = await client.models.list();
    expect(models.data.map((m) => [m.id, m.owned_by])).toEqual([
      ["acme/cached-tiny", "hf-cache"],
      ["chatty", "workspace"],
    ]);

    const request = { model: "chatty", messages: [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Hello!" }], max_tokens: 12, temperature: 0, repetition_penalty: 1.0 };
    const stream = await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } });
    let streamed = "";
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    // Fast models send many tokens per chunk (FLUSH_S in python/runner_bridge.py); the text is the same.
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThanOrEqual(1);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    const usage = chunks.at(-1)?.usage;
    expect(usage?.completion_tokens).toBe(12);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    const whole = await client.chat.completions.create(request);
    expect(whole.choices[0]?.message.content).toBe(streamed);
    expect(whole.usage).toEqual(usage);
    expect(whole.usage?.prompt_tokens).toBeGreaterThan(10);

    // The cache model answers too, and raw completions skip the chat template.
    const text = await client.completions.create({ model: "acme/cached-tiny", prompt: "Once upon a time", max_tokens: 6, temperature: 0 });
    expect(text.choices[0]?.finish_reason).toBe("length");
    expect(text.usage?.completion_tokens).toBe(6);
    const textStream = await client.completions.create({ model: "acme/cached-tiny", prompt: "Once upon a time", max_tokens: 6, temperature: 0, stream: true });
    let streamedText = "";
    for await (const chunk of textStream) streamedText += chunk.choices[0]?.text ?? "";
    expect(streamedText).toBe(text.choices[0]?.text);
    expect(pool.list().map((r) => r.name).sort()).toEqual(["acme/cached-tiny", "chatty"]);
  });

  it("stops generating when the client goes away, and reports errors the SDK understands", async () => {
    const { client, pool } = await setUp();
    const stream = await client.chat.completions.create({ model: "chatty", messages: [{ role: "user", content: "Go on forever" }], max_tokens: 100_000, stream: true });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content && ++received === 5) break;
    }
    await expect.poll(() => pool.list()[0]?.busy, { timeout: 5_000 }).toBe(false);

    await expect(client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining("No model found matching 'no-such-model'"),
    });
    await expect(client.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({
      status: 422,
      code: "model_not_runnable",
    });
    await expect(client.chat.completions.create({ model: "/etc", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 400, code: "invalid_model" });
    await expect(client.chat.completions.create({ model: "chatty", messages: [] })).rejects.toMatchObject({ status: 400, code: "validation_error" });
  });

  it("refuses foreign Host headers and cross-site browsers, and serves clients without Origin", async () => {
    const { server } = await setUp();
    const { request } = await import("node:http");
    const get = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/v1/models`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    const host = new URL(server.url).host;
    expect(await get({ host })).toBe(200);
    expect(await get({ host: "evil.example:80" })).toBe(403);
    expect(await get({ host, origin: "https://evil.example" })).toBe(403);
    expect(await get({ host, origin: `http://${host}` })).toBe(200);
  });
});

/** One raw HTTP/1.1 request over a socket, so a Host no client library would send gets through; resolves with the status line. */
function rawRequest(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`${head}\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("end", () => resolve(data.split("\r\n")[0] ?? ""));
    socket.on("error", reject);
  });
}

describe("whet serve survives hostile requests (issue #10 finding 7)", () => {
  it("answers an unparsable Host or request target with 400/403 for that request only, and keeps serving", async () => {
    const { server } = await setUp();
    const host = new URL(server.url).host;
    for (const head of [
      "GET /v1/models HTTP/1.1\r\nHost: localhost:99999",
      "GET /v1/models HTTP/1.1\r\nHost: [",
      "GET /v1/models HTTP/1.1\r\nHost: localhost:0x50",
      `GET http://[/v1/models HTTP/1.1\r\nHost: ${host}`,
      `GET //evil.example/v1/models HTTP/1.1\r\nHost: ${host}`,
    ]) {
      expect(await rawRequest(server.url, head), head).toMatch(/^HTTP\/1\.1 (400|403|404) /);
    }
    expect(await rawRequest(server.url, `GET /v1/models HTTP/1.1\r\nHost: ${host}`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("forbids framing and refuses same-site browsers without Origin (issue #10 finding 10)", async () => {
    const { server } = await setUp();
    const host = new URL(server.url).host;
    const get = (headers: Record<string, string>) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpRequest(`${server.url}/v1/models`, { headers }, (res) => resolve(res.resume()));
        req.on("error", reject);
        req.end();
      });
    for (const [headers, status] of [[{ host }, 200], [{ host: "evil.example" }, 403], [{ host, "sec-fetch-site": "same-site" }, 403]] as const) {
      const response = await get(headers);
      expect(response.statusCode).toBe(status);
      expect(response.headers["x-frame-options"]).toBe("DENY");
      expect(response.headers["content-security-policy"]).toBe("frame-ancestors 'none'");
    }
  });
});
