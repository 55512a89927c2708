import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { WhetError } from "../errors";
import { closeEverySocket } from "./close-every-socket";
import { readJsonBody, relayBody } from "./fault-body";

/** One misbehaviour, applied to one response. Byte offsets count body bytes of that response only. */
export type Fault =
  /** Send N body bytes, then end the socket (FIN) without the rest. */
  | { kind: "drop"; afterBytes: number }
  /** Send N body bytes, then a TCP RST. */
  | { kind: "reset"; afterBytes: number }
  /** Answer this status instead of forwarding. */
  | { kind: "status"; status: number; retryAfter?: number; body?: string }
  /** Send N body bytes, then nothing, holding the socket until the client gives up or close(). */
  | { kind: "stall"; afterBytes: number }
  /** Trickle the body: bytesPerTick every tickMs. */
  | { kind: "slow"; bytesPerTick: number; tickMs: number }
  /** Flip the lowest bit of the body byte at this offset. */
  | { kind: "corrupt"; atByte: number }
  /** After the real body, more bytes (Content-Length removed, chunked): N, or until the client hangs up. */
  | { kind: "extra"; bytes: number | "endless" }
  /** A 302 to `to` + the original path and query. */
  | { kind: "redirect"; to: string }
  /** Forward, and replace the JSON answer with transform's output. */
  | { kind: "rewriteJson"; transform: (body: unknown, req: { method: string; path: string }) => unknown }
  /** Forward, with a `Link: <this very URL>; rel="next"` header: pagination that never ends. */
  | { kind: "selfLink" };

export interface FaultRule {
  /** Which requests: method (default any) and a path test on path+query (string = substring, RegExp = test). */
  match: { method?: string; path: string | RegExp };
  fault: Fault;
  /** How many matching requests get the fault; then the rule is spent. Default: every one. */
  times?: number;
}

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The fault this request got, or null when it was passed through. */
  fault: Fault["kind"] | null;
}

export interface FaultProxy {
  /** Origin to use as `HF_ENDPOINT` / `hubUrl`, e.g. `http://127.0.0.1:41235`. */
  url: string;
  /** Checked in order for each request, the first live match wins; tests may change it at any time. */
  rules: FaultRule[];
  /** Requests received (the latest 10,000), in order. */
  requests: ProxiedRequest[];
  /** Stops listening and ends every open socket, stalled and endless ones included. */
  close(): Promise<void>;
}

const optionsSchema = z.object({
  target: z.url({ protocol: /^http$/, message: "target must be an http:// origin" }),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(0),
});

const MAX_RECORDED_REQUESTS = 10_000;
/** A target that says nothing for this long is broken; the client gets the socket torn down. */
const UPSTREAM_IDLE_MS = 60_000;
/** Hop-by-hop headers belong to one connection and are never forwarded, either way. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"];

/**
 * An HTTP proxy on loopback in front of a Hub (the fixture): every request is
 * forwarded faithfully unless a rule picks a fault for it, so downloader tests
 * can meet dropped connections, resets, stalls, bad bytes and lying listings
 * on demand, through any client.
 */
export async function startFaultProxy(options: { target: string; rules?: FaultRule[]; host?: string; port?: number }): Promise<FaultProxy> {
  const { target, host, port } = optionsSchema.parse(options);
  const targetUrl = new URL(target);
  const uses = new WeakMap<FaultRule, number>();
  const requests: ProxiedRequest[] = [];
  const agent = new Agent({ keepAlive: true });
  const upstreams = new Set<{ destroy(): void }>();
  const proxy: FaultProxy = { url: "", rules: options.rules ?? [], requests, close };
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const fault = takeFault(proxy.rules, uses, method, path);
    requests.push({ method, path, headers: req.headers, fault: fault?.kind ?? null });
    if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
    const gone = new AbortController();
    res.once("close", () => gone.abort());
    answer(req, res, fault, gone.signal).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: "Fault proxy: the target did not answer" }));
      } else res.destroy();
    });
  });

  async function answer(req: IncomingMessage, res: ServerResponse, fault: Fault | null, signal: AbortSignal): Promise<void> {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    if (fault?.kind === "status" || fault?.kind === "redirect") {
      req.resume();
      if (fault.kind === "status") sendStatus(res, method, fault);
      else {
        res.writeHead(302, { Location: `${fault.to.replace(/\/+$/, "")}${path}`, "Content-Length": "0" });
        res.end();
      }
      return;
    }

    const upstream = await forward(req, signal);
    const headers = { ...upstream.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    if (headers.link) headers.link = String(headers.link).replaceAll(targetUrl.origin, proxy.url);
    if (fault?.kind === "selfLink") headers.link = `<${proxy.url}${path}>; rel="next"`;
    if (fault?.kind === "extra") delete headers["content-length"];
    const status = upstream.statusCode ?? 502;

    if (fault?.kind === "rewriteJson") {
      const original = await readJsonBody(upstream);
      const text = original.json === undefined ? original.bytes : Buffer.from(JSON.stringify(fault.transform(original.json.value, { method, path })) ?? "null");
      res.writeHead(status, { ...headers, "content-length": String(text.byteLength) });
      res.end(text);
      return;
    }
    res.writeHead(status, headers);
    await relayBody(upstream, res, fault, signal);
  }

  function forward(req: IncomingMessage, signal: AbortSignal): Promise<IncomingMessage> {
    const headers: IncomingHttpHeaders = { ...req.headers, host: targetUrl.host };
    for (const name of HOP_BY_HOP) delete headers[name];
    const outgoing = request({ hostname: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers, agent });
    upstreams.add(outgoing);
    outgoing.once("close", () => upstreams.delete(outgoing));
    outgoing.setTimeout(UPSTREAM_IDLE_MS, () => outgoing.destroy());
    signal.addEventListener("abort", () => outgoing.destroy(), { once: true });
    req.pipe(outgoing);
    return new Promise((resolve, reject) => {
      outgoing.once("response", resolve);
      // Kept after the answer came: a later error (the client left, close()) must not go unhandled.
      outgoing.on("error", reject);
    });
  }

  const closeSockets = closeEverySocket(server);

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new WhetError(
          "fault_proxy_listen_failed",
          `The fault proxy cannot listen on ${host}:${port} (${error.code ?? error.message})`,
          port === 0 ? "Check that the host address exists on this machine." : "Choose another port, or 0 for a free one.",
          { host, port },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  proxy.url = `http://${host.includes(":") ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return proxy;

  // Tests close in their own body and again in cleanup; the second call waits for the first.
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      closeSockets();
      for (const outgoing of upstreams) outgoing.destroy();
      agent.destroy();
    });
    return closing;
  }
}

/** Faults that act on a body; a HEAD has none, so they never match one (and never spend a use on it). */
const BODY_FAULTS: ReadonlySet<Fault["kind"]> = new Set(["drop", "reset", "stall", "slow", "corrupt", "extra", "rewriteJson"]);

/** The first rule that matches and is not spent; using it counts against its `times`. */
function takeFault(rules: readonly FaultRule[], uses: WeakMap<FaultRule, number>, method: string, path: string): Fault | null {
  for (const rule of rules) {
    if (rule.match.method && rule.match.method.toUpperCase() !== method) continue;
    if (method === "HEAD" && BODY_FAULTS.has(rule.fault.kind)) continue;
    const test = rule.match.path;
    if (typeof test === "string") {
      if (!path.includes(test)) continue;
    } else {
      // A /g or /y RegExp remembers where it stopped; every request starts afresh.
      test.lastIndex = 0;
      if (!test.test(path)) continue;
    }
    const used = uses.get(rule) ?? 0;
    if (rule.times !== undefined && used >= rule.times) continue;
    uses.set(rule, used + 1);
    return rule.fault;
  }
  return null;
}

function sendStatus(res: ServerResponse, method: string, fault: Extract<Fault, { kind: "status" }>): void {
  const body = fault.body ?? JSON.stringify({ error: `Fault proxy: injected ${fault.status}` });
  res.writeHead(fault.status, {
    "Content-Type": isJson(body) ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
    ...(fault.retryAfter === undefined ? {} : { "Retry-After": String(fault.retryAfter) }),
  });
  res.end(method === "HEAD" ? undefined : body);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
