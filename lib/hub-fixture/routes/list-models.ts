import { canSeeRepo } from "../access";
import { sendJson } from "../hub-response";
import { isTruthy } from "../is-truthy";
import { expandedFields, LIST_FIELDS, LIST_FULL_FIELDS, modelJson, type ModelField } from "../model-json";
import { paginate } from "../paginate";
import { headCommit, type StoredRepo } from "../repo-store";
import type { RouteContext } from "../route-context";

type SortKey = "downloads" | "likes" | "lastModified" | "createdAt" | "id";

/**
 * `GET /api/models`: search (substring of the id, any case), author, filter
 * (every tag must match; library and task count as tags, as on the Hub),
 * pipeline_tag, sort (descending, except `id`), limit, and Link pagination.
 * Private repos are listed only for a valid token.
 */
export async function listModels(ctx: RouteContext): Promise<void> {
  const query = ctx.url.searchParams;
  const search = query.get("search")?.toLowerCase();
  const author = query.get("author")?.toLowerCase();
  const filters = query.getAll("filter").flatMap((f) => f.split(",")).filter(Boolean);
  const task = query.get("pipeline_tag");

  const matches = ctx.store.list().filter((repo) => {
    if (!canSeeRepo(repo, ctx.caller) || !headCommit(repo)) return false;
    if (search && !repo.id.toLowerCase().includes(search)) return false;
    if (author && repo.id.split("/")[0]?.toLowerCase() !== author) return false;
    if (task && repo.pipelineTag !== task) return false;
    const tags = new Set([...repo.tags, repo.libraryName, repo.pipelineTag]);
    return filters.every((f) => tags.has(f));
  });
  matches.sort(compareBy(sortKey(query.get("sort")), query.get("direction")));

  const limit = Number(query.get("limit"));
  const page = paginate(ctx, matches, Number.isInteger(limit) && limit > 0 ? limit : undefined);
  const fields = listFields(query);
  const items = await Promise.all(
    page.flatMap((repo) => {
      const commit = headCommit(repo);
      return commit ? [modelJson(repo, commit, { fields })] : [];
    }),
  );
  sendJson(ctx.res, 200, items);
}

function listFields(query: URLSearchParams): readonly ModelField[] {
  const expanded = expandedFields(query);
  if (expanded) return expanded;
  const fields = new Set<ModelField>(isTruthy(query.get("full")) ? LIST_FULL_FIELDS : LIST_FIELDS);
  if (isTruthy(query.get("config"))) fields.add("config");
  if (isTruthy(query.get("cardData"))) fields.add("cardData");
  return [...fields];
}

function sortKey(value: string | null): SortKey {
  const keys: SortKey[] = ["downloads", "likes", "lastModified", "createdAt", "id"];
  return keys.find((k) => k === value) ?? "downloads";
}

function compareBy(key: SortKey, direction: string | null): (a: StoredRepo, b: StoredRepo) => number {
  const value = (repo: StoredRepo): number | string => {
    if (key === "downloads") return repo.downloads;
    if (key === "likes") return repo.likes;
    if (key === "lastModified") return headCommit(repo)?.date ?? "";
    if (key === "createdAt") return repo.createdAt;
    return repo.id.toLowerCase();
  };
  const sign = direction === "1" || (direction === null && key === "id") ? 1 : -1;
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    // Ties fall back to the id so pages never overlap.
    return order * sign || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}
