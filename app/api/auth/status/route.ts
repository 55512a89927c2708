import { guarded } from "../../../../server/auth/route-access";
import { handleStatus } from "../../../../server/auth/sign-in";

export const dynamic = "force-dynamic";

export const GET = guarded("GET /api/auth/status", (_request, { services, ...access }) => handleStatus(access, { access: services.config.access, auth: services.auth }));
