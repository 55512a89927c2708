import { guarded } from "../../../server/auth/route-access";

export const dynamic = "force-dynamic";

/** Readiness probe for scripts and tests. */
export const GET = guarded("GET /api/health", () => Response.json({ status: "ok", service: "whetstone" }));
