import { NextResponse, type NextRequest } from "next/server";
import { checkRequest } from "./server/security/request-guard";

/** Runs before every route: refuses foreign Host headers (DNS rebinding) and foreign Origins (CSRF). */
export function proxy(request: NextRequest) {
  const verdict = checkRequest(request);
  if (verdict) return new NextResponse(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain" } });
  return NextResponse.next();
}
