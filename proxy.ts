import { NextResponse, type NextRequest } from "next/server";
import { FRAME_HEADERS } from "./server/security/frame-headers";
import { checkRequest, isApiPath } from "./server/security/request-guard";

/**
 * Runs before every route: refuses foreign Host headers (DNS rebinding),
 * foreign Origins (CSRF) and, for API paths, any request another site's page
 * made; every answer forbids framing.
 */
export function proxy(request: NextRequest) {
  const verdict = checkRequest(request, { api: isApiPath(request.nextUrl.pathname) });
  const response = verdict
    ? new NextResponse(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain" } })
    : NextResponse.next();
  for (const [name, value] of Object.entries(FRAME_HEADERS)) response.headers.set(name, value);
  return response;
}
