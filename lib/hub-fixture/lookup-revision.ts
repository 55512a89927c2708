import { fileAccessError, repoAccessError } from "./access";
import type { Commit } from "./build-commit";
import { repoNotFound, revisionNotFound, sendHubError } from "./hub-response";
import { resolveRevision, type StoredRepo } from "./repo-store";
import type { RouteContext } from "./route-context";

/**
 * Finds the repo and the commit a revision names, checking access in the
 * Hub's order (repo, then revision); on failure sends the Hub's error and
 * returns null. `files` asks for the stricter check of gated repos.
 */
export function lookupRevision(
  ctx: RouteContext,
  repoId: string,
  revision: string,
  { files = false }: { files?: boolean } = {},
): { repo: StoredRepo; commit: Commit } | null {
  const repo = ctx.store.get(repoId);
  if (!repo) {
    sendHubError(ctx.res, repoNotFound());
    return null;
  }
  const denied = files ? fileAccessError(repo, ctx.caller) : repoAccessError(repo, ctx.caller);
  if (denied) {
    sendHubError(ctx.res, denied);
    return null;
  }
  const commit = resolveRevision(repo, revision);
  if (!commit) {
    sendHubError(ctx.res, revisionNotFound(revision));
    return null;
  }
  return { repo, commit };
}
