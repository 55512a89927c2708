/**
 * DNS-rebinding and CSRF defence for every request the app serves. A page on
 * another site can make the browser send requests to 127.0.0.1, but it cannot
 * make the Host header a loopback name (rebinding) nor the Origin ours (CSRF).
 */
export interface GuardVerdict {
  status: 403;
  message: string;
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::(\d{1,5}))?$/i;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface GuardOptions {
  /** Extra `host[:port]` values allowed, for an explicitly opted-in LAN address. */
  allowedHosts?: readonly string[];
  /**
   * For API routes: refuse requests from other sites whatever the method. Some
   * API GETs have effects (a chat reply streams from a GET subscription), and
   * another page can make a browser send a GET with no Origin header; the
   * browser still labels it `Sec-Fetch-Site: cross-site`, or `same-site` for
   * a page on another port of this machine (a dev server, a notebook).
   */
  api?: boolean;
}

export function isAllowedHost(host: string | null, options: GuardOptions = {}): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  const loopback = LOOPBACK_HOST.exec(lower);
  // A port no URL parser accepts is not this app's address either.
  if (loopback) return loopback[2] === undefined || Number(loopback[2]) <= 65535;
  return (options.allowedHosts ?? []).some((h) => h.toLowerCase() === lower);
}

export function checkRequest(
  request: { method: string; headers: { get(name: string): string | null } },
  options: GuardOptions = {},
): GuardVerdict | null {
  const host = request.headers.get("host");
  if (!isAllowedHost(host, options)) {
    return { status: 403, message: `Forbidden: host '${host ?? ""}' is not this app's address (DNS rebinding protection).` };
  }
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  // Same-site is another origin (another port, a sibling host): never this app's own pages.
  const otherSite = site === "cross-site" || site === "same-site";
  if (options.api && otherSite) {
    return { status: 403, message: `Forbidden: ${site} request refused.` };
  }
  const unsafe = !SAFE_METHODS.has(request.method.toUpperCase());
  if (unsafe || origin !== null) {
    // Browsers send Origin on every cross-site request; a non-browser client (CLI, curl) sends none.
    if (origin !== null && origin !== `http://${host}` && origin !== `https://${host}`) {
      return { status: 403, message: `Forbidden: origin '${origin}' is not this app (cross-site request refused).` };
    }
    if (unsafe && otherSite) {
      return { status: 403, message: `Forbidden: ${site} request refused.` };
    }
  }
  return null;
}

/** Paths whose GETs can have effects (tRPC subscriptions, the OpenAI API): guarded as API routes. */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith("/api/") || pathname.startsWith("/v1/") || pathname === "/v1";
}

/** The 403 a refused request gets, or null when `checkRequest` lets it through. */
export function refusal(request: Request, options: GuardOptions = {}): Response | null {
  const verdict = checkRequest(request, options);
  return verdict ? new Response(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain" } }) : null;
}
