import { listModels } from "@huggingface/hub";
import type { HubAccess } from "./hub-access";
import { toHubError } from "./hub-error";

export interface HubModelSummary {
  id: string;
  downloads: number;
  likes: number;
  updatedAt: string;
  pipelineTag: string | null;
  libraryName: string | null;
  tags: string[];
  private: boolean;
  gated: false | "auto" | "manual";
}

export interface SearchModelsParams extends HubAccess {
  query?: string;
  author?: string;
  /** Only repositories carrying all these tags (e.g. ["mlx"]). */
  tags?: string[];
  limit?: number;
  sort?: "downloads" | "likes" | "lastModified";
}

/** Searches Hub model repositories by name, most downloaded first. */
export async function searchModels(params: SearchModelsParams): Promise<HubModelSummary[]> {
  const { query, author, tags, limit = 30, sort = "downloads", ...access } = params;
  const out: HubModelSummary[] = [];
  try {
    for await (const model of listModels({
      ...access,
      search: { ...(query ? { query } : {}), ...(author ? { owner: author } : {}), ...(tags?.length ? { tags } : {}) },
      additionalFields: ["tags", "library_name"],
      limit,
      sort,
    })) {
      out.push({
        id: model.name,
        downloads: model.downloads,
        likes: model.likes,
        updatedAt: model.updatedAt.toISOString(),
        pipelineTag: model.task ?? null,
        libraryName: model.library_name ?? null,
        tags: model.tags ?? [],
        private: model.private,
        gated: model.gated,
      });
    }
  } catch (error) {
    throw toHubError(error, `search '${query ?? ""}'`, access.hubUrl);
  }
  return out;
}
