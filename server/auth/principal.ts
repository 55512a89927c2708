import { WhetError } from "../../lib/errors";
import { roleAtLeast, SCOPES, type Role, type Scope } from "../../lib/auth/roles";
import type { Rule } from "./permissions";

/** Who a request acts for. */
export interface Principal {
  /** The account's id; `local` for the person at the machine in local mode and the CLI. */
  id: string;
  name: string;
  role: Role;
  via: "local" | "session" | "token";
  /** What this credential may do: a session has its role's scopes, a token its own (never beyond its role's). */
  scopes: readonly Scope[];
  /** The raw session id (to sign out, or to keep this session when the password changes). */
  sessionId?: string;
  tokenId?: string;
}

/** Local mode: the person at the machine, with no sign-in. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ id: "local", name: "local", role: "admin", via: "local", scopes: SCOPES });

/** Why `principal` may not do what `rule` guards, or null when it may. */
export function denial(principal: Principal, rule: Rule): WhetError | null {
  if (!roleAtLeast(principal.role, rule.role)) {
    return new WhetError(
      "forbidden",
      `This needs the ${rule.role} role, and ${principal.name} is a ${principal.role}`,
      "Ask an admin to change your role on the Users page (or with `whet users role NAME ROLE`).",
    );
  }
  if (principal.via !== "token") return null;
  if (rule.scope === "none") {
    return new WhetError("forbidden", "API tokens cannot manage accounts or tokens", "Sign in to Whetstone in a browser and do this on the Account page.");
  }
  if (!principal.scopes.includes(rule.scope)) {
    return new WhetError(
      "forbidden",
      `This token lacks the '${rule.scope}' scope`,
      `Create a token with the ${rule.scope} scope on the Account page, or with \`whet tokens create NAME --user ${principal.name} --scopes ${rule.scope}\`.`,
    );
  }
  return null;
}

export function unauthenticated(needsSetup: boolean): WhetError {
  return needsSetup
    ? new WhetError(
        "setup_required",
        "Whetstone has no admin account yet, so nobody can sign in",
        "Open the setup link printed when Whetstone started, or run `whet users add NAME --role admin` on the machine.",
      )
    : new WhetError("unauthenticated", "Sign in first: this Whetstone is shared and every request needs an account", "Sign in on the Sign-in page, or send an API token as `Authorization: Bearer whet_…` (create one on the Account page).");
}
