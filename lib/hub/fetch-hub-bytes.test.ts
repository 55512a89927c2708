import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { fetchHubBytes } from "./fetch-hub-bytes";

/** A server that answers every request with `answer`; it counts the body bytes it managed to send. */
async function serve(answer: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });
  const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { call: (timeoutMs?: number) => ({ access: { hubUrl }, spec: "acme/tiny", doing: "reading a header of acme/tiny", ...(timeoutMs ? { timeoutMs } : {}) }), url: `${hubUrl}/acme/tiny/resolve/main/model.safetensors` };
}

describe("fetchHubBytes", () => {
  it("refuses a server that ignores the byte range instead of reading the weights it sends", async () => {
    const weights = Buffer.alloc(64 << 20, 1);
    const { call, url } = await serve((res) => {
      res.writeHead(200, { "Content-Length": String(weights.byteLength) });
      res.end(weights);
    });
    await expect(fetchHubBytes(call(), url, { maxBytes: 8, range: { start: 0, end: 7 } })).rejects.toMatchObject({
      code: "hub_protocol_error",
      message: expect.stringMatching(/ignored the byte range/),
    });
  });

  it("refuses a 206 for another range than the one asked", async () => {
    const { call, url } = await serve((res) => {
      res.writeHead(206, { "Content-Range": "bytes 8-15/100", "Content-Length": "8" });
      res.end(Buffer.alloc(8));
    });
    await expect(fetchHubBytes(call(), url, { maxBytes: 8, range: { start: 0, end: 7 } })).rejects.toMatchObject({ code: "hub_protocol_error" });
  });

  it("refuses a file larger than asked for, and gives up on a server that never answers", async () => {
    const big = await serve((res) => {
      res.writeHead(200, { "Content-Length": "2000" });
      res.end(Buffer.alloc(2000));
    });
    await expect(fetchHubBytes(big.call(), big.url, { maxBytes: 1000 })).rejects.toMatchObject({ code: "hub_file_too_large", message: expect.stringMatching(/larger than the 1\.0 KB Whetstone reads while reading a header of acme\/tiny/) });
    const silent = await serve(() => undefined);
    await expect(fetchHubBytes(silent.call(300), silent.url, { maxBytes: 1000 })).rejects.toMatchObject({
      code: "hub_timeout",
      hint: expect.stringMatching(/HF_ENDPOINT/),
    });
  });
});
