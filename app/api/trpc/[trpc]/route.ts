import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { WhetError } from "../../../../lib/errors";
import { guarded, type RouteAccess } from "../../../../server/auth/route-access";
import { appRouter } from "../../../../server/routers/_app";
import type { Services } from "../../../../server/services";
import { createContext } from "../../../../server/trpc/context";

export const dynamic = "force-dynamic";

function handler(req: Request, access: RouteAccess & { services: Services }) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(access.services, access),
    responseMeta({ errors }) {
      // A quota or throttle refusal says when to come back.
      const retry = errors.map((e) => e.cause).find((c): c is WhetError => c instanceof WhetError && typeof c.details.retryAfterSeconds === "number");
      return retry ? { headers: new Headers({ "retry-after": String(retry.details.retryAfterSeconds) }) } : {};
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export const GET = guarded("GET /api/trpc/[trpc]", handler);
export const POST = guarded("POST /api/trpc/[trpc]", handler);
