import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Role } from "../../lib/auth/roles";
import { WhetError } from "../../lib/errors";
import { recordProcedure } from "../auth/audit-procedure";
import { configForUser } from "../auth/hub-config";
import { ADMIN_RULE, PROCEDURES } from "../auth/permissions";
import { denial, unauthenticated } from "../auth/principal";
import { takeChatRequest } from "../auth/quotas";
import { scopeServices } from "../auth/scoped-services";
import type { Context } from "./context";

type ErrorCode = ConstructorParameters<typeof TRPCError>[0]["code"];

function codeFor(error: WhetError): ErrorCode {
  if (error.code.endsWith("not_found")) return "NOT_FOUND";
  if (error.code === "access_denied" || error.code === "forbidden") return "FORBIDDEN";
  if (error.code === "unauthenticated") return "UNAUTHORIZED";
  if (error.code === "setup_required") return "SERVICE_UNAVAILABLE";
  if (error.code === "quota_exceeded" || error.code === "too_many_attempts") return "TOO_MANY_REQUESTS";
  if (error.code === "internal_error") return "INTERNAL_SERVER_ERROR";
  if (error.code === "hub_unreachable") return "BAD_GATEWAY";
  if (error.code.endsWith("_too_large")) return "PAYLOAD_TOO_LARGE";
  return "BAD_REQUEST";
}

/** A procedure type's role travels as meta, so tests can read it off the router and compare it with the permission table. */
export interface ProcedureMeta {
  role?: Role;
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: 5_000 },
    client: { reconnectAfterInactivityMs: 15_000 },
  },
  errorFormatter({ shape, error }) {
    // Invalid input reads as sentences naming the field, never as zod's issue list; forms show each next to its field.
    if (error.cause instanceof ZodError) {
      const issues = error.cause.issues;
      const field = issues[0]?.path.map(String).join(".") || null;
      return {
        ...shape,
        message: issues.map((i) => i.message).join(" "),
        data: { ...shape.data, whet: { code: "invalid_input", hint: "Correct it and try again.", field, retryAfterSeconds: null }, fields: fieldErrors(error.cause) },
      };
    }
    const cause = error.cause instanceof WhetError ? error.cause : null;
    const field = typeof cause?.details.field === "string" ? cause.details.field : null;
    const retryAfterSeconds = typeof cause?.details.retryAfterSeconds === "number" ? cause.details.retryAfterSeconds : null;
    return {
      ...shape,
      data: { ...shape.data, whet: cause ? { code: cause.code, hint: cause.hint, field, retryAfterSeconds } : null, fields: cause && field ? { [field]: cause.message } : null },
    };
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

function fieldErrors(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join(".") || "input"] ??= issue.message;
  return fields;
}

/**
 * Authorization as a procedure type: the procedure's entry in the permission
 * table must exist and name this role (a mismatch is a bug, refused), then
 * the caller needs an account (401), the role and the token scope (403) (and
 * those of the rule's stricter one for this input, if any),
 * and quota (429). The procedure then sees the services and configuration
 * scoped to the caller, and a state-changing call lands in the audit log.
 */
const authorized = t.middleware(async ({ ctx, meta, path, type, getRawInput, next }) => {
  const rule = Object.hasOwn(PROCEDURES, path) ? PROCEDURES[path] : undefined;
  if (!rule || rule.role !== meta?.role) {
    throw new WhetError(
      "forbidden",
      `${path} is not in Whetstone's permission table as a ${meta?.role ?? "?"} procedure, so nobody may use it`,
      "This is a bug in Whetstone: make the table in server/auth/permissions.ts and the procedure type agree.",
    );
  }
  const principal = ctx.principal;
  if (!principal) throw unauthenticated(ctx.services.auth.users.countAdmins() === 0);
  const deps = { access: ctx.config.access, auth: ctx.services.auth };
  // Read only where something needs it: the audit log (mutations) and a rule that depends on the input.
  const input = type === "mutation" || rule.stricterFor ? await getRawInput().catch(() => null) : null;
  const audit = (result: "ok" | "denied" | "failed", detail = "") => {
    if (type === "mutation") recordProcedure(ctx.services.auth.audit, rule, { path, principal, address: ctx.address, input, result, detail });
  };
  // An input that cannot be read gets the strictest rule, never the base one (fail closed).
  const stricter = rule.stricterFor ? (input && typeof input === "object" ? rule.stricterFor(input as Record<string, unknown>) : ADMIN_RULE) : null;
  const refused = denial(principal, rule) ?? (stricter ? denial(principal, stricter) : null) ?? (rule.quota === "chat" ? takeChatRequest(principal, deps) : null);
  if (refused) {
    audit("denied", refused.message);
    throw refused;
  }
  const result = await next({
    ctx: { services: scopeServices(ctx.services, principal), config: configForUser(ctx.config, ctx.services.auth, principal.id) },
  });
  audit(result.ok ? "ok" : "failed", result.ok ? "" : result.error.message);
  return result;
});

export const router = t.router;
const baseProcedure = t.procedure.use(whetErrors);
/** Browse, search, chat (own conversations), own account. */
export const viewerProcedure = baseProcedure.meta({ role: "viewer" }).use(authorized);
/** Start and change jobs, change what one owns. */
export const memberProcedure = baseProcedure.meta({ role: "member" }).use(authorized);
/** Accounts, everyone's tokens, the audit log. */
export const adminProcedure = baseProcedure.meta({ role: "admin" }).use(authorized);
export const createCallerFactory = t.createCallerFactory;
