import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { hubHeaders, isRedirect, redirectTarget, type HubClient, type StatusAnswer } from "./hub-client";
import { classifyNetworkError } from "./transfer-error";

/** An answer to a content GET: status and headers, and the body as Node's stream of socket chunks. */
export interface BodyAnswer extends StatusAnswer {
  ok: boolean;
  body: IncomingMessage;
  /** A socket error seen while the body was read (its cause, where the body only says "aborted"). */
  socketError(): Error | null;
}

// Connections are kept between the parts of a download, as fetch keeps them.
const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };

function send(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const options = { method: "GET", headers, signal, agent: agents[url.protocol as keyof typeof agents] };
    const request = url.protocol === "https:" ? httpsRequest(url, options) : httpRequest(url, options);
    request.once("error", reject);
    request.once("response", (response) => resolve({ request, response }));
    request.end();
  });
}

/**
 * A GET of file content with hubFetch's rules (the token only to the Hub's
 * origin, at most five redirects, http(s) only), over node:http(s) rather than
 * fetch: its body chunks are the socket's own buffers, where fetch's web
 * streams copy and wrap every chunk (twice the CPU per byte, which decides the
 * speed when the server is on the same machine).
 */
export async function hubGet(client: HubClient, url: string, init: { headers?: Record<string, string>; signal: AbortSignal }): Promise<BodyAnswer> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    let sent: Awaited<ReturnType<typeof send>>;
    try {
      sent = await send(current, hubHeaders(client, current, init.headers), init.signal);
    } catch (error) {
      if (init.signal.aborted) throw init.signal.reason;
      throw classifyNetworkError(error, false);
    }
    const { request, response } = sent;
    let socketError: Error | null = null;
    // After the answer, a socket error still arrives here: kept as the body's cause, never unhandled.
    request.on("error", (error) => (socketError ??= error));
    const location = response.headers.location;
    if (!isRedirect(response.statusCode ?? 0, location)) {
      const status = response.statusCode ?? 0;
      return {
        status,
        ok: status >= 200 && status < 300,
        headers: { get: (name) => headerValue(response, name) },
        body: response,
        socketError: () => socketError,
      };
    }
    response.destroy();
    current = redirectTarget(location, current, hop);
  }
}

function headerValue(response: IncomingMessage, name: string): string | null {
  const value = response.headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}
