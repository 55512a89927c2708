import { z } from "zod";
import { WhetError } from "../errors";
import type { HubAccess } from "./hub-access";
import { fetchHubJson } from "./fetch-hub-json";

export interface HubModelSummary {
  id: string;
  /** Null when the Hub sent no count (or one that is not a count). */
  downloads: number | null;
  likes: number | null;
  updatedAt: string | null;
  pipelineTag: string | null;
  libraryName: string | null;
  tags: string[];
  private: boolean;
  gated: false | "auto" | "manual";
}

export const SEARCH_SORTS = ["downloads", "likes", "lastModified"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
/** The Hub serves at most 1000 models a page. */
export const MAX_SEARCH_LIMIT = 1000;

export interface SearchModelsParams extends HubAccess {
  query?: string;
  author?: string;
  /** Only repositories carrying all these tags; the library counts as one (["mlx"]: MLX models). */
  tags?: string[];
  /** The Hub's pipeline_tag, e.g. text-generation. */
  task?: string;
  limit?: number;
  sort?: SearchSort;
  /** The page after the one that returned it (`nextCursor`), for the same query. */
  cursor?: string;
}

export interface SearchPage {
  models: HubModelSummary[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().catch(null).default(null);
const text = z.string().max(200);
const itemSchema = z.object({
  id: text,
  downloads: count,
  likes: count,
  lastModified: z.iso.datetime({ offset: true }).nullable().catch(null).default(null),
  pipeline_tag: text.nullable().catch(null).default(null),
  library_name: text.nullable().catch(null).default(null),
  tags: z.array(text).max(1000).catch([]).default([]),
  private: z.boolean().catch(false).default(false),
  gated: z.union([z.literal(false), z.literal("auto"), z.literal("manual")]).catch(false).default(false),
});

/** Cursors are the Hub's opaque base64 tokens; anything else is not passed on. */
const cursorSchema = z.string().max(2000).regex(/^[\w\-.~+/=%]+$/);
const EXPAND = ["downloads", "likes", "lastModified", "pipeline_tag", "library_name", "tags", "private", "gated"];
/** A page of 1000 models with their tags stays well under this. */
const MAX_PAGE_BYTES = 16 << 20;

function listUrl(params: SearchModelsParams, limit: number): string {
  const url = new URL(`${params.hubUrl}/api/models`);
  const q = url.searchParams;
  if (params.query) q.set("search", params.query);
  if (params.author) q.set("author", params.author);
  for (const tag of params.tags ?? []) q.append("filter", tag);
  if (params.task) q.set("pipeline_tag", params.task);
  q.set("sort", params.sort ?? "downloads");
  q.set("direction", "-1");
  q.set("limit", String(limit));
  for (const field of EXPAND) q.append("expand", field);
  if (params.cursor) {
    if (!cursorSchema.safeParse(params.cursor).success) {
      throw new WhetError("invalid_cursor", "That page of search results no longer exists.", "Search again from the first page.");
    }
    q.set("cursor", params.cursor);
  }
  return url.href;
}

/** The `cursor` of the `Link: <…>; rel="next"` header, when the Hub has another page. */
function nextCursor(link: string | null): string | null {
  const next = /<([^>]+)>\s*;\s*rel="next"/.exec(link ?? "");
  if (!next?.[1]) return null;
  try {
    const cursor = new URL(next[1]).searchParams.get("cursor");
    return cursor && cursorSchema.safeParse(cursor).success ? cursor : null;
  } catch {
    return null;
  }
}

/** One page of Hub model repositories matching the query, most downloaded (or liked, or recent) first. */
export async function searchModelsPage(params: SearchModelsParams): Promise<SearchPage> {
  const limit = Math.min(Math.max(1, Math.floor(params.limit ?? 30)), MAX_SEARCH_LIMIT);
  const call = { access: params, spec: params.query ? `models matching '${params.query}'` : "models", doing: `searching the Hub for '${params.query ?? ""}'` };
  const { value, response } = await fetchHubJson(call, listUrl(params, limit), z.array(itemSchema).max(MAX_SEARCH_LIMIT), MAX_PAGE_BYTES);
  return {
    models: value.slice(0, limit).map((m) => ({
      id: m.id,
      downloads: m.downloads,
      likes: m.likes,
      updatedAt: m.lastModified,
      pipelineTag: m.pipeline_tag,
      libraryName: m.library_name,
      tags: m.tags,
      private: m.private,
      gated: m.gated,
    })),
    nextCursor: nextCursor(response.headers.get("link")),
  };
}

/** The first page of a search (the CLI's `whet search`). */
export async function searchModels(params: SearchModelsParams): Promise<HubModelSummary[]> {
  return (await searchModelsPage(params)).models;
}
