import { guarded } from "../../../../server/auth/route-access";
import { handleSetup } from "../../../../server/auth/sign-in";

export const dynamic = "force-dynamic";

export const POST = guarded("POST /api/auth/setup", (request, { services, ...access }) => handleSetup(request, access, { access: services.config.access, auth: services.auth }));
