import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ModelRoots } from "../../lib/models/resolve-model";
import { FRAME_HEADERS } from "../security/frame-headers";
import { refusal } from "../security/request-guard";
import { handleChatCompletions } from "../../lib/openai/chat-completions";
import { handleCompletions } from "../../lib/openai/completions";
import { handleListModels } from "../../lib/openai/models-endpoint";
import type { OpenAIContext } from "../../lib/openai/reply-stream";

export interface OpenAIServer {
  url: string;
  close(): Promise<void>;
}

/** Routes one request to the same handlers the Next app mounts under /v1. */
export async function routeOpenAI(request: Request, roots: ModelRoots, ctx: OpenAIContext): Promise<Response> {
  const refused = refusal(request, { api: true });
  if (refused) return refused;
  const { pathname } = new URL(request.url);
  const route = `${request.method} ${pathname.replace(/\/+$/, "")}`;
  if (route === "GET /health") return Response.json({ status: "healthy", service: "whetstone" });
  if (route === "GET /v1/models") return handleListModels(roots, ctx);
  if (route === "POST /v1/chat/completions") return handleChatCompletions(request, ctx);
  if (route === "POST /v1/completions") return handleCompletions(request, ctx);
  return Response.json({ status: "error", error: { message: `No route ${route}`, type: "not_found", code: "not_found", param: null } }, { status: 404 });
}

/**
 * A fetch Request for a node request. The URL is built from the path alone,
 * on a fixed origin: the Host header is the guard's to judge, and one a URL
 * parser rejects (`localhost:99999`, `[`) must not throw here. Throws only
 * for a request target that is not a URL at all.
 */
function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const target = req.url ?? "/";
  // Origin-form (`/v1/…`) is taken as it is; the absolute form a proxy would send only for its path.
  const path = target.startsWith("/") ? target : (({ pathname, search }) => `${pathname}${search}`)(new URL(target));
  return new Request(`http://127.0.0.1${path}`, {
    method: req.method ?? "GET",
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(FRAME_HEADERS)) headers.set(name, value);
  res.writeHead(response.status, Object.fromEntries(headers.entries()));
  if (!response.body) return void res.end();
  const reader = response.body.getReader();
  // Each chunk goes out as it comes: no buffering between the runner and the client.
  res.on("close", () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

/**
 * The OpenAI-compatible API on its own (`whet serve`), without the web app:
 * plain node:http on loopback, the same handlers and runner pool.
 */
export async function serveOpenAI(options: { host: string; port: number; roots: ModelRoots; ctx: OpenAIContext }): Promise<OpenAIServer> {
  const server = createServer((req, res) => {
    const aborter = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    let request: Request;
    try {
      request = toRequest(req, aborter.signal);
    } catch {
      res.writeHead(400, { "content-type": "text/plain", ...FRAME_HEADERS });
      return void res.end("Bad request: the request target is not a valid path.");
    }
    void routeOpenAI(request, options.roots, options.ctx)
      .then((response) => send(res, response))
      .catch(() => {
        // Every failure stays this request's: the server keeps answering the others.
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain", ...FRAME_HEADERS });
        res.end("Internal error while answering this request.");
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
