import type { IncomingHttpHeaders } from "node:http";
import { repoNotFound, type HubError } from "./hub-response";
import type { StoredRepo } from "./repo-store";

/** Who is asking: nobody, a holder of one of the fixture's tokens, or someone with a token it does not know. */
export type Caller = { kind: "anonymous" } | { kind: "user"; token: string } | { kind: "invalid" };

/**
 * With no tokens configured the fixture ignores Authorization altogether, so
 * a client that sends the user's real HF_TOKEN still sees the public repos;
 * once tokens are configured an unknown one is rejected, as the Hub does.
 */
export function readCaller(headers: IncomingHttpHeaders, tokens: ReadonlySet<string>): Caller {
  const token = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return { kind: "anonymous" };
  if (tokens.has(token)) return { kind: "user", token };
  return tokens.size > 0 ? { kind: "invalid" } : { kind: "anonymous" };
}

export const INVALID_CREDENTIALS: HubError = {
  status: 401,
  message: "Invalid credentials in Authorization header",
};

/** Private repos look missing (401 RepoNotFound) to anyone without a valid token, as on the Hub. */
export function canSeeRepo(repo: StoredRepo, caller: Caller): boolean {
  return !repo.private || caller.kind === "user";
}

export function repoAccessError(repo: StoredRepo, caller: Caller): HubError | null {
  return canSeeRepo(repo, caller) ? null : repoNotFound(401);
}

/** File contents of gated repos additionally need a token ("auto") or an approval the fixture never grants ("manual"). */
export function fileAccessError(repo: StoredRepo, caller: Caller): HubError | null {
  const hidden = repoAccessError(repo, caller);
  if (hidden || !repo.gated) return hidden;
  if (caller.kind !== "user") {
    return {
      status: 401,
      code: "GatedRepo",
      message: `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
    };
  }
  if (repo.gated === "manual") {
    return {
      status: 403,
      code: "GatedRepo",
      message: `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit the model page to ask for access.`,
    };
  }
  return null;
}
