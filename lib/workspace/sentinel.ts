import { join } from "node:path";
import { z } from "zod";
import { modelFolder, readModelText } from "../fs/model-folder";
import { parseJsonText } from "../fs/parse-json-text";
import { writeFileAtomic } from "../fs/write-file-atomic";

export const SENTINEL_FILE = ".mlxk_workspace.json";

/** A sentinel holds one file_index entry per file: megabytes at most for any real model. */
const MAX_SENTINEL_BYTES = 16 * 1024 ** 2;

/** The sentinel format version of mlx-knife whose fields we write (its readers check `managed`). */
export const MLXK_SENTINEL_VERSION = "2.0.8";
export const WHET_VERSION = "0.1.0";

/**
 * mlx-knife's sentinel fields plus Whetstone's own. Unknown fields written by
 * other tools are kept (passthrough) and survive a rewrite.
 */
export const sentinelSchema = z
  .object({
    mlxk_version: z.string(),
    created_at: z.string(),
    source_repo: z.string().nullable().optional(),
    source_revision: z.string().nullable().optional(),
    managed: z.boolean(),
    operation: z.string(),
    mode: z.string().optional(),
  })
  .passthrough();

export type Sentinel = z.infer<typeof sentinelSchema>;

/** UTC with microseconds and `Z`, the form mlx-knife writes (`2026-01-01T10:00:00.123456Z`). */
export function sentinelTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function newSentinel(fields: {
  operation: "clone" | "convert";
  sourceRepo: string | null;
  sourceRevision: string | null;
  mode?: string;
  extra?: Record<string, unknown>;
}): Sentinel {
  return {
    mlxk_version: MLXK_SENTINEL_VERSION,
    created_at: sentinelTimestamp(),
    source_repo: fields.sourceRepo,
    source_revision: fields.sourceRevision,
    managed: true,
    operation: fields.operation,
    ...(fields.mode === undefined ? {} : { mode: fields.mode }),
    tool: "whetstone",
    whet_version: WHET_VERSION,
    ...fields.extra,
  };
}

/**
 * JSON with 2-space indent; bigints (file_index mtimes in nanoseconds) are
 * written as exact integers, as Python writes them, not rounded to a double.
 */
function sentinelJson(sentinel: Sentinel): string {
  const text = JSON.stringify(sentinel, (_key, value: unknown) => (typeof value === "bigint" ? `\u0000bigint:${value}` : value), 2);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, "$1");
}

/** Writes the sentinel atomically: JSON, 2-space indent, trailing newline, via temp file and rename. */
export async function writeSentinel(dir: string, sentinel: Sentinel): Promise<void> {
  await writeFileAtomic(join(dir, SENTINEL_FILE), `${sentinelJson(sentinel)}\n`);
}

/** The sentinel of `dir`, or null when the folder has none or it is not a valid one (unmanaged). */
export async function readSentinel(dir: string): Promise<Sentinel | null> {
  const text = await modelFolder(dir)
    .then((folder) => readModelText(folder, SENTINEL_FILE, { maxBytes: MAX_SENTINEL_BYTES }))
    .catch(() => null);
  if (text === null) return null;
  const json = parseJsonText(text);
  if (!json.ok) return null;
  const parsed = sentinelSchema.safeParse(json.value);
  return parsed.success ? parsed.data : null;
}

export async function isManagedWorkspace(dir: string): Promise<boolean> {
  return (await readSentinel(dir))?.managed === true;
}

/** Merges `changes` into the existing sentinel and rewrites it atomically. */
export async function updateSentinel(dir: string, changes: Record<string, unknown>): Promise<Sentinel> {
  const current = await readSentinel(dir);
  if (!current) throw new Error(`no sentinel in ${dir}`);
  const next = { ...current, ...changes };
  await writeSentinel(dir, next);
  return next;
}
