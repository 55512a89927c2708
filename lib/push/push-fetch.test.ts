import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { pushFetch } from "./push-fetch";

interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  bytes: number;
}

/** A loopback server that records what it receives and answers with `answer`. */
async function server(host: string, answer: (path: string, res: import("node:http").ServerResponse) => void): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s: Server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, bytes });
      answer(req.url ?? "", res);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return { origin: `http://${host}:${(s.address() as AddressInfo).port}`, seen };
}

describe("pushFetch", () => {
  it("sends the token to the Hub only: never to another host, nor after a redirect that leaves the Hub", async () => {
    const other = await server("localhost", (_path, res) => res.end("elsewhere"));
    const hub = await server("127.0.0.1", (path, res) => {
      if (path === "/away") res.writeHead(302, { Location: `${other.origin}/landing` }).end();
      else if (path === "/here") res.writeHead(307, { Location: "/api/final" }).end();
      else res.end("hub");
    });
    const f = pushFetch({ hubUrl: hub.origin, fetch, signal: new AbortController().signal });
    const auth = { Authorization: "Bearer hf_secret" };

    expect(await (await f(`${hub.origin}/here`, { headers: auth })).text()).toBe("hub");
    expect(await (await f(`${hub.origin}/away`, { headers: auth })).text()).toBe("elsewhere");
    expect(await (await f(`${other.origin}/direct`, { headers: auth })).text()).toBe("elsewhere");
    expect(hub.seen.map((r) => [r.path, r.headers.authorization])).toEqual([
      ["/here", "Bearer hf_secret"],
      ["/api/final", "Bearer hf_secret"],
      ["/away", "Bearer hf_secret"],
    ]);
    expect(other.seen.map((r) => [r.path, r.headers.authorization])).toEqual([
      ["/landing", undefined],
      ["/direct", undefined],
    ]);
  });

  it("streams an upload with its length declared, counting its bytes for the file it belongs to", async () => {
    const storage = await server("127.0.0.1", (_path, res) => res.end());
    const counted: [string | null, number][] = [];
    const f = pushFetch({ hubUrl: "http://127.0.0.2:1", fetch, signal: new AbortController().signal, onUploadBytes: (path, n) => counted.push([path, n]) });
    const body = new Blob([new Uint8Array(300_000)]);
    const init = { method: "PUT", body, progressHint: { path: "w.safetensors" } } as RequestInit;
    expect((await f(`${storage.origin}/put`, init)).status).toBe(200);
    expect(storage.seen[0]).toMatchObject({ bytes: 300_000, headers: { "content-length": "300000" } });
    expect(storage.seen[0]?.headers["transfer-encoding"]).toBeUndefined();
    expect(counted.every(([path]) => path === "w.safetensors")).toBe(true);
    expect(counted.reduce((n, [, bytes]) => n + bytes, 0)).toBe(300_000);
  });

  it("gives up on a server that stops answering", async () => {
    const silent = await server("127.0.0.1", () => undefined);
    const f = pushFetch({ hubUrl: silent.origin, fetch, signal: new AbortController().signal, requestTimeoutMs: 200 });
    await expect(f(`${silent.origin}/hang`)).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
