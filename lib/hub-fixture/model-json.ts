import type { Commit } from "./build-commit";
import { deriveModelFields } from "./derive-model-fields";
import type { StoredRepo } from "./repo-store";

/** Fields the fixture can produce, by their Hub API names; `expand` may ask for any of them. */
const FIELDS = [
  "author",
  "sha",
  "lastModified",
  "createdAt",
  "private",
  "gated",
  "disabled",
  "downloads",
  "downloadsAllTime",
  "likes",
  "library_name",
  "pipeline_tag",
  "tags",
  "siblings",
  "spaces",
  "usedStorage",
  "config",
  "cardData",
  "safetensors",
  "modelId",
] as const;

export type ModelField = (typeof FIELDS)[number];

/** What `GET /api/models/{id}` returns when nothing is expanded. */
export const MODEL_INFO_FIELDS: readonly ModelField[] = FIELDS.filter((f) => f !== "downloadsAllTime");

/** What each item of `GET /api/models` carries by default, and with `full=true`. */
export const LIST_FIELDS: readonly ModelField[] = [
  "likes",
  "private",
  "downloads",
  "tags",
  "pipeline_tag",
  "library_name",
  "createdAt",
  "modelId",
];
export const LIST_FULL_FIELDS: readonly ModelField[] = [
  ...LIST_FIELDS,
  "author",
  "sha",
  "lastModified",
  "gated",
  "disabled",
  "siblings",
];

/** Reads `expand` / `expand[]` (both spellings are sent by clients); null when none was given. */
export function expandedFields(query: URLSearchParams): ModelField[] | null {
  const asked = [...query.getAll("expand"), ...query.getAll("expand[]")];
  if (asked.length === 0) return null;
  return FIELDS.filter((f) => asked.includes(f));
}

export interface ModelJsonOptions {
  fields: readonly ModelField[];
  /** `blobs=true`: siblings carry size, blobId and lfs, as `model_info(files_metadata=True)` wants. */
  blobs?: boolean;
}

/** The Hub's model object for a repo seen at one commit. */
export async function modelJson(repo: StoredRepo, commit: Commit, options: ModelJsonOptions): Promise<Record<string, unknown>> {
  const json: Record<string, unknown> = { _id: repo.objectId, id: repo.id };
  for (const field of options.fields) {
    json[field] = await fieldValue(field, repo, commit, options.blobs ?? false);
  }
  return json;
}

async function fieldValue(field: ModelField, repo: StoredRepo, commit: Commit, blobs: boolean): Promise<unknown> {
  switch (field) {
    case "author":
      return repo.id.split("/")[0];
    case "sha":
      return commit.id;
    case "lastModified":
      return commit.date;
    case "createdAt":
      return repo.createdAt;
    case "private":
      return repo.private;
    case "gated":
      return repo.gated;
    case "disabled":
      return false;
    case "downloads":
    case "downloadsAllTime":
      return repo.downloads;
    case "likes":
      return repo.likes;
    case "library_name":
      return repo.libraryName;
    case "pipeline_tag":
      return repo.pipelineTag;
    case "tags":
      return repo.tags;
    case "spaces":
      return [];
    case "modelId":
      return repo.id;
    case "usedStorage":
      return [...commit.entries.values()].reduce((n, e) => n + (e.type === "file" ? e.size : 0), 0);
    case "siblings":
      return [...commit.entries.values()].flatMap((entry) => {
        if (entry.type !== "file") return [];
        if (!blobs) return [{ rfilename: entry.path }];
        const lfs = entry.lfs && { size: entry.lfs.size, sha256: entry.lfs.oid, pointerSize: entry.lfs.pointerSize };
        return [{ rfilename: entry.path, size: entry.size, blobId: entry.oid, ...(lfs ? { lfs } : {}) }];
      });
    case "config":
      return (await deriveModelFields(commit)).config;
    case "safetensors":
      return (await deriveModelFields(commit)).safetensors;
    case "cardData":
      return (await deriveModelFields(commit)).cardData;
  }
}
