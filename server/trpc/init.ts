import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { WhetError } from "../../lib/errors";
import type { Context } from "./context";

type ErrorCode = ConstructorParameters<typeof TRPCError>[0]["code"];

function codeFor(error: WhetError): ErrorCode {
  if (error.code.endsWith("not_found")) return "NOT_FOUND";
  if (error.code === "access_denied") return "FORBIDDEN";
  if (error.code === "internal_error") return "INTERNAL_SERVER_ERROR";
  if (error.code === "hub_unreachable") return "BAD_GATEWAY";
  if (error.code.endsWith("_too_large")) return "PAYLOAD_TOO_LARGE";
  return "BAD_REQUEST";
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 15_000 },
  },
  errorFormatter({ shape, error }) {
    // Invalid input reads as sentences naming the field, never as zod's issue list.
    if (error.cause instanceof ZodError) {
      const issues = error.cause.issues;
      const field = issues[0]?.path.map(String).join(".") || null;
      return {
        ...shape,
        message: issues.map((i) => i.message).join(" "),
        data: { ...shape.data, whet: { code: "invalid_input", hint: "Correct it and try again.", field } },
      };
    }
    const cause = error.cause instanceof WhetError ? error.cause : null;
    return { ...shape, data: { ...shape.data, whet: cause ? { code: cause.code, hint: cause.hint, field: null } : null } };
  },
});

/** WhetErrors reach the browser with their code and hint, and a fitting HTTP status. */
const whetErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof WhetError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: codeFor(cause), message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(whetErrors);
export const createCallerFactory = t.createCallerFactory;
