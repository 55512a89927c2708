import { guarded } from "../../../../server/auth/route-access";
import { handleLogout } from "../../../../server/auth/sign-in";

export const dynamic = "force-dynamic";

export const POST = guarded("POST /api/auth/logout", (_request, { services, ...access }) => handleLogout(access, { access: services.config.access, auth: services.auth }));
