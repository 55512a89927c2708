import { join } from "node:path";
import { z } from "zod";
import { modelFolder, readModelText } from "../fs/model-folder";
import { parseJsonText } from "../fs/parse-json-text";
import { isUnsafeFileError, unsafeReasonText } from "../fs/unsafe-file";
import { writeFileAtomic } from "../fs/write-file-atomic";

export const SENTINEL_FILE = ".mlxk_workspace.json";

/** A sentinel holds one file_index entry per file: megabytes at most for any real model. */
const MAX_SENTINEL_BYTES = 16 * 1024 ** 2;

/** The sentinel format version of mlx-knife whose fields we write (its readers check `managed`). */
export const MLXK_SENTINEL_VERSION = "2.0.8";
export const WHET_VERSION = "0.1.0";

const text = (max: number) => z.string().max(max);

/** One file_index entry as mlx-knife writes it; paths are checked further by the clean check. */
const fileIndexEntrySchema = z.looseObject({
  path: text(4096),
  size: z.number().int().nonnegative(),
  mtime_ns: z.union([z.number(), z.bigint()]),
  sha: text(128),
});

/**
 * mlx-knife's sentinel fields plus Whetstone's own, every one bounded: the
 * file can come from another tool or a repo. Unknown fields written by other
 * tools are kept (passthrough) and survive a rewrite. A file of another shape
 * is not a sentinel: the folder counts as unmanaged.
 */
export const sentinelSchema = z
  .object({
    mlxk_version: z.string().regex(/^\d+(\.\d+){0,3}([.+-]?[0-9A-Za-z]+)*$/).max(32),
    created_at: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/).max(64),
    source_repo: text(4096).nullable().optional(),
    source_revision: text(256).nullable().optional(),
    managed: z.boolean(),
    operation: text(64),
    mode: text(64).optional(),
    hash_algorithm: text(16).optional(),
    content_hash: text(128).optional(),
    hash_modified: text(64).optional(),
    exclude_patterns: z.array(text(256)).max(256).optional(),
    file_index: z.array(fileIndexEntrySchema).max(200_000).optional(),
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

export type SentinelState = { state: "missing" } | { state: "invalid"; problem: string } | { state: "ok"; sentinel: Sentinel };

/** The sentinel of `dir` through the safe reader, or why the file there is not one (never quoting it). */
export async function readSentinelState(dir: string): Promise<SentinelState> {
  let text: string | null;
  try {
    text = await readModelText(await modelFolder(dir), SENTINEL_FILE, { maxBytes: MAX_SENTINEL_BYTES });
  } catch (error) {
    if (isUnsafeFileError(error)) return { state: "invalid", problem: unsafeReasonText(error.details.reason) };
    return { state: "missing" };
  }
  if (text === null) return { state: "missing" };
  const json = parseJsonText(text);
  if (!json.ok) return { state: "invalid", problem: json.problem };
  const parsed = sentinelSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.slice(0, 3).join(".")}` : "";
    return { state: "invalid", problem: `is not a workspace sentinel (${issue?.code ?? "wrong shape"}${where})` };
  }
  return { state: "ok", sentinel: parsed.data };
}

/** The sentinel of `dir`, or null when the folder has none or it is not a valid one (unmanaged). */
export async function readSentinel(dir: string): Promise<Sentinel | null> {
  const read = await readSentinelState(dir);
  return read.state === "ok" ? read.sentinel : null;
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
