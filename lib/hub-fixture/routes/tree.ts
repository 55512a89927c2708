import { entryJson } from "../entry-json";
import { entryNotFound, sendHubError, sendJson } from "../hub-response";
import { isTruthy } from "../is-truthy";
import { lookupRevision } from "../lookup-revision";
import { paginate } from "../paginate";
import type { RouteContext } from "../route-context";

/**
 * `GET /api/models/{id}/tree/{rev}[/{path}]?recursive=&expand=`: the folder's
 * direct children, or everything below it (files and folders) when recursive.
 */
export function tree(ctx: RouteContext, repoId: string, revision: string, path: string): void {
  const found = lookupRevision(ctx, repoId, revision);
  if (!found) return;
  const { commit } = found;
  if (path && commit.entries.get(path)?.type !== "directory") {
    sendHubError(ctx.res, entryNotFound(path, commit.id));
    return;
  }
  const query = ctx.url.searchParams;
  const recursive = isTruthy(query.get("recursive"));
  const prefix = path ? `${path}/` : "";
  const entries = [...commit.entries.values()].filter(
    (e) => e.path.startsWith(prefix) && (recursive || !e.path.slice(prefix.length).includes("/")),
  );
  const expand = isTruthy(query.get("expand"));
  const limit = Number(query.get("limit"));
  const page = paginate(ctx, entries, Number.isInteger(limit) && limit > 0 ? limit : undefined);
  sendJson(ctx.res, 200, page.map((e) => entryJson(commit, e, expand)), { "X-Repo-Commit": commit.id });
}
