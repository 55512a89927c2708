import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "../../../../server/routers/_app";
import { createContext } from "../../../../server/trpc/context";
import { refusal } from "../../../../server/security/request-guard";

export const dynamic = "force-dynamic";

function handler(req: Request) {
  // Checked here too: route handlers must not rely on the proxy alone.
  const refused = refusal(req, { api: true });
  if (refused) return refused;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext(),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
