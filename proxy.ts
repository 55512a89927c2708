import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./lib/config";
import { pageRedirect } from "./server/auth/page-gate";
import { checkRequest } from "./server/security/request-guard";

/** Runs before every route: refuses foreign Host headers (DNS rebinding) and foreign Origins (CSRF). */
export function proxy(request: NextRequest) {
  const { access } = getConfig();
  const verdict = checkRequest(request, { allowedHosts: access.allowedHosts });
  if (verdict) return new NextResponse(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain" } });
  // Team mode: a page without a session goes to the sign-in page.
  const signIn = pageRedirect(request.nextUrl, request.headers.get("cookie"), access);
  // A relative Location: the browser stays on the address it used (the LAN name or an address).
  if (signIn) return new NextResponse(null, { status: 307, headers: { location: signIn } });
  return NextResponse.next();
}
