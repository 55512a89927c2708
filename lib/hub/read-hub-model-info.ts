import { z } from "zod";
import { fetchHubJson } from "./fetch-hub-json";
import type { HubCall } from "./hub-call";

/** A count the page shows: a negative, fractional or absurd value from the Hub becomes "unknown". */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().catch(null).default(null);
/** A file size; anything else makes the file's size unknown rather than a number that sizes a sum. */
const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().catch(undefined);
const shortText = z.string().max(200);

const siblingSchema = z.object({
  rfilename: z.string().min(1).max(1000),
  size,
  lfs: z.object({ size }).optional().catch(undefined),
});

/** The Hub's model card metadata (the README's YAML): only what the page reads, each field on its own. */
const cardDataSchema = z
  .object({
    license: z.union([shortText, z.array(shortText).max(10)]).optional().catch(undefined),
    license_name: shortText.optional().catch(undefined),
    base_model: z.union([shortText, z.array(shortText).max(20)]).optional().catch(undefined),
  })
  .nullable()
  .catch(null)
  .default(null);

/** Most files listed: the largest real repos hold a few thousand. */
export const MAX_SIBLINGS = 10_000;

const modelInfoSchema = z.object({
  id: shortText,
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  lastModified: z.iso.datetime({ offset: true }).nullable().catch(null).default(null),
  downloads: count,
  likes: count,
  private: z.boolean().catch(false).default(false),
  gated: z.union([z.literal(false), z.literal("auto"), z.literal("manual")]).catch(false).default(false),
  pipeline_tag: shortText.nullable().catch(null).default(null),
  library_name: shortText.nullable().catch(null).default(null),
  tags: z.array(shortText).max(1000).catch([]).default([]),
  cardData: cardDataSchema,
  siblings: z.array(siblingSchema).max(MAX_SIBLINGS),
});

export interface HubModelInfo {
  id: string;
  commit: string;
  lastModified: string | null;
  downloads: number | null;
  likes: number | null;
  private: boolean;
  gated: false | "auto" | "manual";
  pipelineTag: string | null;
  libraryName: string | null;
  tags: string[];
  /** From the card's metadata, else the Hub's `license:` tag. */
  license: string | null;
  baseModels: string[];
  /** Every file with its size (null when the Hub did not say). */
  files: { path: string; size: number | null }[];
}

const MAX_INFO_BYTES = 8 << 20;

/** `GET /api/models/{id}/revision/{rev}?blobs=true`: the repo at a revision, with every file's size. */
export async function readHubModelInfo(call: HubCall, repoId: string, revision: string): Promise<HubModelInfo> {
  const url = `${call.access.hubUrl}/api/models/${repoId}/revision/${encodeURIComponent(revision)}?blobs=true`;
  const { value } = await fetchHubJson(call, url, modelInfoSchema, MAX_INFO_BYTES);
  const card = value.cardData;
  const cardLicense = Array.isArray(card?.license) ? card.license[0] : card?.license;
  const tagLicense = value.tags.find((t) => t.startsWith("license:"))?.slice("license:".length);
  const license = cardLicense === "other" && card?.license_name ? card.license_name : (cardLicense ?? tagLicense ?? null);
  const base = card?.base_model;
  return {
    id: value.id,
    commit: value.sha,
    lastModified: value.lastModified,
    downloads: value.downloads,
    likes: value.likes,
    private: value.private,
    gated: value.gated,
    pipelineTag: value.pipeline_tag,
    libraryName: value.library_name,
    tags: value.tags,
    license,
    baseModels: base === undefined ? [] : Array.isArray(base) ? base : [base],
    files: value.siblings.map((s) => ({ path: s.rfilename, size: s.lfs?.size ?? s.size ?? null })),
  };
}
