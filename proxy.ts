import { NextResponse, type NextRequest } from "next/server";
import { getConfig } from "./lib/config";
import { pageRedirect } from "./server/auth/page-gate";
import { FRAME_HEADERS } from "./server/security/frame-headers";
import { checkRequest, isApiPath } from "./server/security/request-guard";

/**
 * Runs before every route: refuses foreign Host headers (DNS rebinding),
 * foreign Origins (CSRF) and, for API paths, any request another site's page
 * made; in team mode a page without a session goes to the sign-in page;
 * every answer forbids framing.
 */
export function proxy(request: NextRequest) {
  const { access } = getConfig();
  const verdict = checkRequest(request, { api: isApiPath(request.nextUrl.pathname), allowedHosts: access.allowedHosts });
  let response: NextResponse;
  if (verdict) {
    response = new NextResponse(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain" } });
  } else {
    const signIn = pageRedirect(request.nextUrl, request.headers.get("cookie"), access);
    // Resolved against the request's own URL: the browser stays on the address it used (the LAN name or an address).
    response = signIn ? NextResponse.redirect(new URL(signIn, request.url), 307) : NextResponse.next();
  }
  for (const [name, value] of Object.entries(FRAME_HEADERS)) response.headers.set(name, value);
  return response;
}
