import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, onTestFinished } from "vitest";
import { ensureSelfSignedCert } from "../tls/self-signed-cert";
import { useTempDirs } from "../testing/temp-dir";
import { getContent, type ContentAnswer } from "./content-connection";
import { TransferError } from "./transfer-error";

const tempDir = useTempDirs();
const never = new AbortController().signal;
const BODY = randomBytes(3 * 1024 * 1024 + 5);

async function listen(server: Server | ReturnType<typeof createNetServer>, sockets: Socket[] = []): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => {
    // Connections kept idle by the client would hold close() open.
    sockets.forEach((socket) => socket.destroy());
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that answers each request with `reply`'s raw bytes (no HTTP library between), counting connections. */
async function rawServer(reply: (socket: Socket, index: number) => void) {
  const sockets: Socket[] = [];
  let requests = 0;
  const server = createNetServer((socket) => {
    sockets.push(socket);
    let head = "";
    socket.on("data", (bytes) => {
      head += bytes.toString("latin1");
      while (head.includes("\r\n\r\n")) {
        head = head.slice(head.indexOf("\r\n\r\n") + 4);
        reply(socket, requests++);
      }
    });
    socket.on("error", () => undefined);
  });
  return { host: await listen(server, sockets), sockets };
}

async function bodyOf(answer: ContentAnswer): Promise<Buffer> {
  const pieces: Buffer[] = [];
  // A copy: a piece is a view into the connection's one buffer, valid only during the call.
  await answer.read((piece) => void pieces.push(Buffer.from(piece)));
  answer.close();
  return Buffer.concat(pieces);
}

describe("getContent", () => {
  it("keeps one connection for requests in turn, with bodies by length and chunked, and a reader that makes it wait", async () => {
    let connections = 0;
    const server = createHttpServer((req, res) => {
      if (req.url === "/chunked") {
        res.write(BODY.subarray(0, 1000));
        res.end(BODY.subarray(1000));
      } else res.end(BODY);
    });
    server.on("connection", () => connections++);
    const host = await listen(server);
    expect((await bodyOf(await getContent(new URL(`http://${host}/length`), {}, never))).equals(BODY)).toBe(true);
    const chunked = await getContent(new URL(`http://${host}/chunked`), { Range: "bytes=0-" }, never);
    expect(chunked.headers.get("transfer-encoding")).toBe("chunked");
    const slow: Buffer[] = [];
    await chunked.read(async (piece) => {
      slow.push(Buffer.from(piece));
      await new Promise((resolve) => setTimeout(resolve, 1));
    });
    chunked.close();
    expect(Buffer.concat(slow).equals(BODY)).toBe(true);
    expect(connections).toBe(1);
  });

  it("sends again on a new connection when the kept one turns out closed, and drops one closed while idle", async () => {
    const { host, sockets } = await rawServer((socket, index) => {
      // The first connection answers once, then closes on the next request without a byte; the third answer closes while idle.
      if (index === 1) socket.destroy();
      else if (index === 3) socket.end("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
      else socket.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
    });
    const get = async () => (await bodyOf(await getContent(new URL(`http://${host}/`), {}, never))).toString();
    expect(await get()).toBe("fine");
    expect(await get()).toBe("fine");
    expect(sockets).toHaveLength(2);
    expect(await get()).toBe("fine");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await get()).toBe("fine");
    expect(sockets).toHaveLength(3);
  });

  it("skips interim answers, reads a body to the close, and never reuses a connection that sent more than its answer", async () => {
    const { host, sockets } = await rawServer((socket, index) => {
      if (index === 0) socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcSURPLUS");
      else socket.end("HTTP/1.0 200 OK\r\n\r\nto the close");
    });
    expect((await bodyOf(await getContent(new URL(`http://${host}/`), {}, never))).toString()).toBe("abc");
    expect((await bodyOf(await getContent(new URL(`http://${host}/`), {}, never))).toString()).toBe("to the close");
    expect(sockets).toHaveLength(2);
  });

  it("names a body that breaks off, ends the wait on an abort, takes a head dripped a byte at a time, and refuses an endless head or one that is not HTTP without quoting it", async () => {
    const { host } = await rawServer((socket, index) => {
      if (index === 0) socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${"x".repeat(40)}`);
      else if (index === 1) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n${"x".repeat(40)}`);
      else socket.end("\u0000\u0001binary garbage\r\n\r\n");
    });
    const broken = await getContent(new URL(`http://${host}/`), {}, never);
    const error = await bodyOf(broken).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransferError);
    expect((error as TransferError).failure).toBe("closed");

    const stop = new AbortController();
    const hanging = await getContent(new URL(`http://${host}/`), {}, stop.signal);
    const reading = bodyOf(hanging);
    setTimeout(() => stop.abort(new Error("cancelled by the test")), 50);
    await expect(reading).rejects.toThrow("cancelled by the test");

    const dripped = await rawServer((socket) => {
      const bytes = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      socket.setNoDelay(true);
      let at = 0;
      const drip = () => (at < bytes.byteLength ? socket.write(bytes.subarray(at, ++at), () => setImmediate(drip)) : undefined);
      drip();
    });
    expect((await bodyOf(await getContent(new URL(`http://${dripped.host}/`), {}, never))).toString()).toBe("ok");
    const endless = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      const more = () => socket.write(`X-Filler: ${"f".repeat(1000)}\r\n`, () => !socket.destroyed && more());
      more();
    });
    await expect(getContent(new URL(`http://${endless.host}/`), {}, never)).rejects.toThrow("the server's response headers are longer than 64 KiB");

    const garbage = await getContent(new URL(`http://${host}/`), {}, never).catch((caught: unknown) => caught);
    expect((garbage as Error).message).toBe("the server's answer does not start with an HTTP/1.1 status line");
    await expect(getContent(new URL(`http://${host}/`), { Authorization: "Bearer a\r\nX-Injected: 1" }, never)).rejects.toThrow(/line break/);
  });

  it("reads over TLS into its buffer, and refuses a certificate it does not trust", async () => {
    const dir = await tempDir();
    const tls = await ensureSelfSignedCert({ cert: join(dir, "cert.pem"), key: join(dir, "key.pem"), names: ["localhost"] });
    const server = createHttpsServer({ cert: await readFile(tls.cert), key: await readFile(tls.key) }, (req, res) => res.end(BODY));
    const host = (await listen(server)).replace("127.0.0.1", "localhost");
    await expect(getContent(new URL(`https://${host}/`), {}, never)).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    // Trusted the way a user trusts a private CA: NODE_EXTRA_CA_CERTS, in a process of its own.
    const script = [
      `import { getContent } from ${JSON.stringify(join(import.meta.dirname, "content-connection.ts"))};`,
      `import { createHash } from "node:crypto";`,
      `const answer = await getContent(new URL("https://${host}/"), {}, new AbortController().signal);`,
      `const hash = createHash("sha256");`,
      `await answer.read((piece) => void hash.update(piece));`,
      `answer.close();`,
      `console.log(answer.status, hash.digest("hex"));`,
    ].join("\n");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.cert } });
    const { createHash } = await import("node:crypto");
    expect(stdout.trim()).toBe(`200 ${createHash("sha256").update(BODY).digest("hex")}`);
  });
});
