import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { ModelRoots } from "../../lib/models/resolve-model";
import { FRAME_HEADERS } from "../security/frame-headers";
import type { AccessDeps } from "../auth/auth-services";
import { stampClientAddress } from "../auth/client-address";
import { authorizeRoute } from "../auth/route-access";
import { refusal } from "../security/request-guard";
import { handleChatCompletions } from "../../lib/openai/chat-completions";
import { handleCompletions } from "../../lib/openai/completions";
import { handleListModels } from "../../lib/openai/models-endpoint";
import type { OpenAIContext } from "../../lib/openai/reply-stream";

export interface OpenAIServer {
  url: string;
  close(): Promise<void>;
}

type RouteHandler = (request: Request, roots: ModelRoots, ctx: OpenAIContext) => Response | Promise<Response>;

/** `whet serve`'s routes: the same handlers the Next app mounts under /v1, each in the permission table. */
export const STANDALONE_ROUTES: Record<string, RouteHandler> = {
  "GET /health": () => Response.json({ status: "healthy", service: "whetstone" }),
  "GET /v1/models": (_request, roots, ctx) => handleListModels(roots, ctx),
  "POST /v1/chat/completions": (request, _roots, ctx) => handleChatCompletions(request, ctx),
  "POST /v1/completions": (request, _roots, ctx) => handleCompletions(request, ctx),
};

/**
 * Routes one request. With `access` (team mode, `whet serve --lan`) every
 * route passes the permission table; without it (loopback) the Host and
 * Origin checks alone, as in local mode.
 */
export async function routeOpenAI(request: Request, roots: ModelRoots, ctx: OpenAIContext, access?: AccessDeps): Promise<Response> {
  const refused = refusal(request, { api: true, allowedHosts: access?.access.allowedHosts ?? [] });
  if (refused) return refused;
  const { pathname } = new URL(request.url);
  const route = `${request.method} ${pathname.replace(/\/+$/, "")}`;
  const handler = Object.hasOwn(STANDALONE_ROUTES, route) ? STANDALONE_ROUTES[route] : undefined;
  if (!handler) return Response.json({ status: "error", error: { message: `No route ${route}`, type: "not_found", code: "not_found", param: null } }, { status: 404 });
  const verdict = access ? authorizeRoute(request, route, access) : null;
  if (verdict instanceof Response) return verdict;
  return handler(request, roots, ctx);
}

/**
 * A fetch Request for a node request. The URL is built from the path alone,
 * on a fixed origin: the Host header is the guard's to judge, and one a URL
 * parser rejects (`localhost:99999`, `[`) must not throw here. Throws only
 * for a request target that is not a URL at all.
 */
export function toRequest(req: IncomingMessage, signal: AbortSignal, scheme: "http" | "https"): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  stampClientAddress(headers, req.socket.remoteAddress);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const target = req.url ?? "/";
  // Origin-form (`/v1/…`) is taken as it is; the absolute form a proxy would send only for its path.
  const path = target.startsWith("/") ? target : (({ pathname, search }) => `${pathname}${search}`)(new URL(target));
  return new Request(`${scheme}://127.0.0.1${path}`, {
    method: req.method ?? "GET",
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

export async function send(res: ServerResponse, response: Response): Promise<void> {
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
 * node:http on loopback, or in team mode (`--lan`) on the LAN with accounts
 * and optionally TLS; the same handlers and runner pool.
 */
export async function serveOpenAI(options: {
  host: string;
  port: number;
  roots: ModelRoots;
  ctx: OpenAIContext;
  access?: AccessDeps;
  tls?: { cert: string; key: string };
}): Promise<OpenAIServer> {
  const scheme = options.tls ? "https" : "http";
  const listener: RequestListener = (req, res) => {
    const aborter = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) aborter.abort();
    });
    let request: Request;
    try {
      request = toRequest(req, aborter.signal, scheme);
    } catch {
      res.writeHead(400, { "content-type": "text/plain", ...FRAME_HEADERS });
      return void res.end("Bad request: the request target is not a valid path.");
    }
    void routeOpenAI(request, options.roots, options.ctx, options.access)
      .then((response) => send(res, response))
      .catch(() => {
        // Every failure stays this request's: the server keeps answering the others.
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain", ...FRAME_HEADERS });
        res.end("Internal error while answering this request.");
      });
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
