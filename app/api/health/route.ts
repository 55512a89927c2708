export const dynamic = "force-dynamic";

/** Readiness probe for scripts and tests. */
export function GET() {
  return Response.json({ status: "ok", service: "whetstone" });
}
