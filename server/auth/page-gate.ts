import type { AccessConfig } from "../../lib/config";
import { PAGES } from "./permissions";
import { readCookie, sessionCookieName } from "./session-cookie";

// Routes answer for themselves (401 with a sentence); assets carry no data.
const NOT_PAGES = /^\/(api|v1|_next)\/|^\/favicon\.ico$|^\/health$/;

/**
 * Where a browser asking for a page is sent instead, or null to serve it.
 * In team mode a page needs a session cookie, except the sign-in and setup
 * pages; whether the session is valid and has the page's role is checked
 * where the page's data comes from (tRPC) and, for admin pages, by their layout.
 */
export function pageRedirect(url: URL, cookieHeader: string | null, access: AccessConfig): string | null {
  if (access.mode === "local" || NOT_PAGES.test(url.pathname)) return null;
  if (Object.hasOwn(PAGES, url.pathname) && PAGES[url.pathname] === "public") return null;
  if (readCookie(cookieHeader, sessionCookieName(access.tls !== null))) return null;
  return `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`;
}
