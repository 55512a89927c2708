import type { IncomingHttpHeaders } from "node:http";
import { repoNotFound, type HubError } from "./hub-response";
import type { StoredRepo } from "./repo-store";

/** Who is asking: nobody, a holder of one of the fixture's tokens (that may or may not write), or someone with a token it does not know. */
export type Caller = { kind: "anonymous" } | { kind: "user"; token: string; canWrite: boolean } | { kind: "invalid" };

/** The fixture's tokens: `tokens` read, `writeTokens` read and write. */
export interface TokenSets {
  tokens: ReadonlySet<string>;
  writeTokens: ReadonlySet<string>;
}

/**
 * With no tokens configured the fixture ignores Authorization altogether, so
 * a client that sends the user's real HF_TOKEN still sees the public repos;
 * once tokens are configured an unknown one is rejected, as the Hub does.
 */
export function readCaller(headers: IncomingHttpHeaders, { tokens, writeTokens }: TokenSets): Caller {
  const token = headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return { kind: "anonymous" };
  if (writeTokens.has(token)) return { kind: "user", token, canWrite: true };
  if (tokens.has(token)) return { kind: "user", token, canWrite: false };
  return tokens.size + writeTokens.size > 0 ? { kind: "invalid" } : { kind: "anonymous" };
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

/** The fixture's one user: its name and the organisations it belongs to, which are where it may write. */
export interface FixtureUser {
  name: string;
  orgs: readonly string[];
}

/**
 * Writes need a token that may write, and only into the user's own namespace
 * or one of its organisations, as on the Hub (401 without a token, 403 otherwise).
 */
export function writeAccessError(namespace: string, caller: Caller, user: FixtureUser): HubError | null {
  if (caller.kind !== "user") return { status: 401, message: "You must be authenticated to write to the Hub (use a token with write access)" };
  if (!caller.canWrite) return { status: 403, message: "This token has read access only: it cannot create repos or push commits" };
  const mine = [user.name, ...user.orgs].some((owner) => owner.toLowerCase() === namespace.toLowerCase());
  if (!mine) return { status: 403, message: `You don't have the rights to write to the namespace ${namespace}` };
  return null;
}
