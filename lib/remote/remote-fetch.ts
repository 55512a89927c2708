import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { Readable } from "node:stream";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { WhetError } from "../errors";
import { refusalFrom } from "./remote-refusal";

export interface RemoteFetchOptions {
  /** Sent as `Authorization: Bearer …` on every request; it appears nowhere else (no URL, no message). */
  token: string | null;
  /** `AB:CD:…`: the only certificate accepted, for team mode's self-signed one; null trusts the system's authorities. */
  fingerprint: string | null;
  /** No byte for this long ends the request (an event stream's pings keep it alive). */
  idleTimeoutMs?: number;
  /** How the remote is named in messages and fixes (`team`, or WHET_URL). */
  label: string;
  /** Allows the token over plain http:// to another machine (`remote add --insecure`, WHET_INSECURE=1). */
  insecure?: boolean;
}

/** A token over plain HTTP to another machine can be read by anyone on the network: refused unless asked for. */
export function assertSafeTransport(url: URL, options: Pick<RemoteFetchOptions, "token" | "insecure" | "label">): void {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || host === "::1" || /^127\./.test(host);
  if (url.protocol === "http:" && options.token && !loopback && !options.insecure) {
    throw new WhetError(
      "insecure_remote",
      `${url.origin} is plain HTTP on another machine: the API token would cross the network unencrypted`,
      "Start team mode there with --tls and pin the fingerprint it prints (`whet remote add NAME https://… --fingerprint SHA256:… --token-stdin`), or accept the risk with --insecure (WHET_INSECURE=1 for WHET_URL).",
    );
  }
}

export type RemoteFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const NULL_BODY = new Set([101, 204, 205, 304]);

function unreachable(url: URL, error: NodeJS.ErrnoException, label: string): WhetError {
  if (error instanceof WhetError) return error;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(error.code ?? "")) {
    return new WhetError(
      "remote_certificate_untrusted",
      `${url.origin} presents a certificate this machine does not trust (${error.code})`,
      `If it is team mode's self-signed certificate, pin its fingerprint: \`whet remote add ${label} ${url.origin} --fingerprint SHA256:… --token-stdin\` (team mode prints the fingerprint when it starts).`,
    );
  }
  return new WhetError(
    "remote_unreachable",
    `Cannot reach the Whetstone at ${url.origin} (${error.code ?? error.message})`,
    "Check that it runs in team mode there (`npm start -- --lan`), and the address and port.",
  );
}

/** A TLS connection whose certificate is the pinned one, checked before a byte of the request (and its token) is sent. */
function pinnedSocket(url: URL, fingerprint: string, options: RemoteFetchOptions, idleMs: number): Promise<TLSSocket> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port: Number(url.port || 443), ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false });
    socket.setTimeout(idleMs, () => socket.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    socket.once("error", (error) => reject(unreachable(url, error, options.label)));
    socket.once("secureConnect", () => {
      const seen = socket.getPeerCertificate().fingerprint256;
      if (seen === fingerprint) return resolve(socket);
      socket.destroy();
      reject(
        new WhetError(
          "fingerprint_mismatch",
          `The certificate of ${url.origin} (SHA-256 ${seen}) is not the one pinned for ${options.label}: this may not be your Whetstone`,
          `Compare with the fingerprint team mode printed when it started. If the server really has a new certificate, pin it again: \`whet remote add ${options.label} ${url.origin} --fingerprint SHA256:… --token-stdin\`.`,
        ),
      );
    });
  });
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const status = res.statusCode ?? 502;
  if (NULL_BODY.has(status)) res.resume();
  return new Response(NULL_BODY.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage ?? "", headers });
}

/**
 * `fetch` for one remote Whetstone, on node:http(s): the bearer token added
 * here, a pinned certificate checked before anything is sent, every request
 * bounded by an idle timeout, and the server's access refusals (401, 403,
 * 429 before any procedure runs) turned into errors that say the fix.
 */
export function remoteFetch(options: RemoteFetchOptions): RemoteFetch {
  const idleMs = options.idleTimeoutMs ?? 120_000;
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    assertSafeTransport(url, options);
    const headers: OutgoingHttpHeaders = Object.fromEntries(new Headers(init.headers).entries());
    headers.host = url.host;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const body = typeof init.body === "string" ? init.body : init.body == null ? null : undefined;
    if (body === undefined) throw new WhetError("internal_error", "Only text request bodies are sent to a remote Whetstone", "This is a bug in Whetstone's CLI.");
    if (body !== null) headers["content-length"] = Buffer.byteLength(body);
    const socket = url.protocol === "https:" && options.fingerprint ? await pinnedSocket(url, options.fingerprint, options, idleMs) : null;
    const request = url.protocol === "https:" && !socket ? httpsRequest : httpRequest;
    const response = await new Promise<Response>((resolve, reject) => {
      const req = request({
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: init.method ?? "GET",
        headers,
        ...(init.signal ? { signal: init.signal } : {}),
        ...(socket ? { createConnection: () => socket } : {}),
      });
      req.setTimeout(idleMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
      req.once("response", (res) => resolve(toResponse(res)));
      req.once("error", (error: NodeJS.ErrnoException) => reject(error.name === "AbortError" ? error : unreachable(url, error, options.label)));
      req.end(body ?? undefined);
    });
    if (response.ok || !(response.headers.get("content-type") ?? "").includes("json")) return response;
    // tRPC's own errors (`{error: {json: …}}`) are the client's to read; the access layer's refusals are read here.
    const text = await response.text();
    const refusal = refusalFrom(response.status, text, response.headers.get("retry-after"), options.label);
    if (refusal) throw refusal;
    return new Response(text, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
