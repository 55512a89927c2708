import { canSeeRepo, writeAccessError } from "./access";
import { repoNotFound, sendHubError } from "./hub-response";
import type { StoredRepo } from "./repo-store";
import type { RouteContext } from "./route-context";

/**
 * The repo a write goes to, once the caller may write there; otherwise sends
 * the Hub's error (a repo the caller cannot see looks missing) and returns null.
 */
export function lookupWritableRepo(ctx: RouteContext, repoId: string): StoredRepo | null {
  const repo = ctx.store.get(repoId);
  if (!repo || !canSeeRepo(repo, ctx.caller)) {
    sendHubError(ctx.res, repoNotFound(repo ? 401 : 404));
    return null;
  }
  const denied = writeAccessError(repo.id.split("/")[0] as string, ctx.caller, ctx.user);
  if (denied) {
    sendHubError(ctx.res, denied);
    return null;
  }
  return repo;
}
