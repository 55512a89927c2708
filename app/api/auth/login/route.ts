import { guarded } from "../../../../server/auth/route-access";
import { handleLogin } from "../../../../server/auth/sign-in";

export const dynamic = "force-dynamic";

export const POST = guarded("POST /api/auth/login", (request, { services, ...access }) => handleLogin(request, access, { access: services.config.access, auth: services.auth }));
