import type { HubAccess } from "../hub/hub-access";
import { classifyNetworkError, TransferError } from "./transfer-error";
import { parseRetryAfter } from "./retry-policy";

/** Where the Hub is, the token for it, and the fetch to use (injected). */
export interface HubClient {
  hubUrl: string;
  accessToken?: string;
  fetch: typeof fetch;
}

export function hubClient(access: HubAccess, fetchImpl: typeof fetch): HubClient {
  return { hubUrl: access.hubUrl, ...(access.accessToken ? { accessToken: access.accessToken } : {}), fetch: fetchImpl };
}

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One request with redirects followed by hand: the token goes only to the
 * Hub's own origin (a CDN or any other host never sees it), at most five hops,
 * http(s) only. Network failures become TransferErrors; an abort rethrows the
 * signal's reason.
 */
export async function hubFetch(
  client: HubClient,
  url: string,
  init: { method?: "GET" | "HEAD"; headers?: Record<string, string>; signal: AbortSignal },
): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await client.fetch(current.href, { method: init.method ?? "GET", headers: hubHeaders(client, current, init.headers), signal: init.signal, redirect: "manual" });
    } catch (error) {
      if (init.signal.aborted) throw init.signal.reason;
      throw classifyNetworkError(error, false);
    }
    const location = response.headers.get("location");
    if (!isRedirect(response.status, location)) return response;
    await response.body?.cancel().catch(() => undefined);
    current = redirectTarget(location, current, hop);
  }
}

/** The request's headers, with the token only when `url` is on the Hub's own origin. */
export function hubHeaders(client: HubClient, url: URL, headers: Record<string, string> = {}): Record<string, string> {
  return client.accessToken && url.origin === new URL(client.hubUrl).origin ? { ...headers, Authorization: `Bearer ${client.accessToken}` } : { ...headers };
}

export function isRedirect(status: number, location: string | null | undefined): location is string {
  return REDIRECTS.has(status) && typeof location === "string" && location !== "";
}

/** Where a redirect points; throws past MAX_REDIRECTS hops or for a non-http(s) target. */
export function redirectTarget(location: string, current: URL, hop: number): URL {
  if (hop >= MAX_REDIRECTS) throw new TransferError("redirects", `the server redirected more than ${MAX_REDIRECTS} times`, { retryable: false });
  const next = new URL(location, current);
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new TransferError("protocol", `the server redirected to a ${next.protocol} address`, { retryable: false });
  }
  return next;
}

/** The part of a response the status checks read: fetch's Response and hubGet's answer both fit. */
export interface StatusAnswer {
  status: number;
  headers: { get(name: string): string | null };
}

/** A response that is not 2xx as a TransferError: 429 and 5xx are retried (honouring Retry-After), the rest are final. */
export function statusError(response: StatusAnswer, now: number): TransferError {
  const status = response.status;
  const retryable = status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get("retry-after"), now) : null;
  const hubCode = response.headers.get("x-error-code");
  return new TransferError("status", `the server answered HTTP ${status}`, { retryable, status, retryAfterMs, hubCode });
}
