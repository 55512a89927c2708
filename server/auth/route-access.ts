import { WhetError } from "../../lib/errors";
import { refusal } from "../security/request-guard";
import { getServices, type Services } from "../services";
import { accessResponse } from "./access-response";
import type { AccessDeps } from "./auth-services";
import { authenticate } from "./authenticate";
import { clientAddress } from "./client-address";
import { ROUTES } from "./permissions";
import { denial, unauthenticated, type Principal } from "./principal";
import { takeChatRequest } from "./quotas";

export interface RouteAccess {
  /** Null only on public routes. */
  principal: Principal | null;
  address: string;
}

/**
 * The one check every plain route passes: Host and Origin (DNS rebinding,
 * CSRF), then the route's rule in the permission table (401 without an
 * account, 403 without the role or the token scope, 429 over quota; the
 * tRPC route needs an account, and each procedure its own rule). A route
 * missing from the table is refused.
 */
export function authorizeRoute(request: Request, key: string, deps: AccessDeps): RouteAccess | Response {
  const refused = refusal(request, { api: true, allowedHosts: deps.access.allowedHosts });
  if (refused) return refused;
  const rule = Object.hasOwn(ROUTES, key) ? ROUTES[key] : undefined;
  if (!rule) {
    return accessResponse(new WhetError("forbidden", `${key} is not in Whetstone's permission table, so nobody may use it`, "This is a bug in Whetstone: add the route to server/auth/permissions.ts."));
  }
  const address = deps.access.mode === "local" ? "local" : clientAddress(request.headers);
  const principal = authenticate(request.headers, deps);
  if (rule.role === "public") return { principal, address };
  if (!principal) return accessResponse(unauthenticated(deps.auth.users.countAdmins() === 0));
  if (rule.role === "procedures") return { principal, address };
  const refusedError = denial(principal, rule) ?? (rule.quota === "chat" ? takeChatRequest(principal, deps) : null);
  if (refusedError) return accessResponse(refusedError);
  return { principal, address };
}

/** Wraps a route handler of the app: `export const POST = guarded("POST /v1/completions", (request, access) => …)`. */
export function guarded(key: string, handler: (request: Request, access: RouteAccess & { services: Services }) => Response | Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    const services = getServices();
    const verdict = authorizeRoute(request, key, { access: services.config.access, auth: services.auth });
    if (verdict instanceof Response) return verdict;
    return handler(request, { ...verdict, services });
  };
}
