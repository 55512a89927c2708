import { scopesForRole } from "../../lib/auth/roles";
import type { AccessDeps } from "./auth-services";
import { LOCAL_PRINCIPAL, type Principal } from "./principal";
import { readCookie, sessionCookieName } from "./session-cookie";

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Who sent the request: in local mode the person at the machine; in team
 * mode the owner of a valid bearer token or session cookie, else nobody. A
 * bearer token that does not verify is not rescued by a cookie.
 */
export function authenticate(headers: HeaderSource, deps: AccessDeps): Principal | null {
  if (deps.access.mode === "local") return LOCAL_PRINCIPAL;
  const { auth } = deps;
  const authorization = headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const token = match?.[1] ? auth.tokens.verify(match[1]) : null;
    const user = token ? auth.users.getById(token.userId) : null;
    if (!token || !user) return null;
    const allowed = scopesForRole(user.role);
    return { id: user.id, name: user.name, role: user.role, via: "token", scopes: token.scopes.filter((s) => allowed.includes(s)), tokenId: token.id };
  }
  const sessionId = readCookie(headers.get("cookie"), sessionCookieName(deps.access.tls !== null));
  const session = sessionId ? auth.sessions.lookup(sessionId) : null;
  const user = session ? auth.users.getById(session.userId) : null;
  if (!sessionId || !user) return null;
  return { id: user.id, name: user.name, role: user.role, via: "session", scopes: scopesForRole(user.role), sessionId };
}
