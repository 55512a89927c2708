import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { WhetError } from "../errors";
import { isInside, realPathLenient } from "../fs/path-inside";
import { processAlive } from "../fs/process-alive";
import { newSentinel, readSentinel, SENTINEL_FILE, updateSentinel, writeSentinel, type Sentinel } from "../workspace/sentinel";

/**
 * A convert's target says it is being written until the last file is in:
 * a killed convert leaves a target that health reports as incomplete and
 * that the next convert into it may clear.
 */
export const CONVERT_WRITING = "writing";
export const CONVERT_COMPLETE = "complete";

/**
 * A non-empty target left by a convert that did not finish (its sentinel says
 * "writing" and its writer is gone) is cleared so the convert can run again;
 * anything else non-empty is refused.
 */
async function clearLeftover(dst: string): Promise<void> {
  const entries = await readdir(dst);
  // Killed while its sentinel was being written: only the sentinel's temp file is there.
  if (entries.length === 1 && entries[0] === `${SENTINEL_FILE}.tmp`) {
    await rm(join(dst, entries[0]), { force: true });
    return;
  }
  const sentinel = await readSentinel(dst);
  if (sentinel?.convert_status !== CONVERT_WRITING) {
    throw new WhetError("target_not_empty", `Target directory not empty: ${dst}`, "Choose a new folder, or empty this one first.");
  }
  if (processAlive(sentinel.writer_pid)) {
    throw new WhetError(
      "target_busy",
      `Target ${dst} is being written by another convert (process ${String(sentinel.writer_pid)})`,
      "Wait for it to finish, or choose another target.",
    );
  }
  for (const entry of await readdir(dst)) await rm(join(dst, entry), { recursive: true, force: true });
}

/** Marks a convert's output as finished: from now on health judges its content, not its state. */
export async function markTargetComplete(target: string): Promise<void> {
  await updateSentinel(target, { convert_status: CONVERT_COMPLETE, writer_pid: null });
}

/** The HF locations convert must never read from or write into. */
export interface CacheRoots {
  hubCache: string;
  hfHome: string;
}

export interface ConvertPaths {
  source: string;
  target: string;
  sourceSentinel: Sentinel | null;
}

async function insideCache(path: string, roots: CacheRoots): Promise<string | null> {
  for (const root of [roots.hubCache, roots.hfHome]) {
    const real = await realPathLenient(root);
    if (isInside(path, real)) return real;
  }
  return null;
}

/**
 * Resolves and checks source and target before anything is written: the source
 * must be a folder outside the HF cache, the target outside the cache, outside
 * the source, and new or empty.
 */
export async function checkConvertPaths(source: string, target: string, roots: CacheRoots): Promise<ConvertPaths> {
  const src = await realPathLenient(source);
  const info = await stat(src).catch(() => null);
  if (!info) {
    throw new WhetError("source_not_found", `Source path does not exist: ${source}`, "Check the path, or list models with `whet list`.");
  }
  if (!info.isDirectory()) {
    throw new WhetError("source_not_directory", `Source must be a directory: ${source}`, "Give the folder that holds config.json and the weights.");
  }
  const srcCache = await insideCache(src, roots);
  if (srcCache) {
    throw new WhetError(
      "source_in_cache",
      `Source path is in HF cache (read-only): ${src}`,
      `The cache stays untouched: clone the model into a workspace first (whet clone ORG/NAME ./ws), then convert the workspace.`,
      { cache: srcCache },
    );
  }
  const dst = await realPathLenient(target);
  const dstCache = await insideCache(dst, roots);
  if (dstCache) {
    throw new WhetError(
      "target_in_cache",
      `Target path is in HF cache (read-only): ${dst}`,
      "Choose a workspace location outside the cache.",
      { cache: dstCache },
    );
  }
  if (isInside(dst, src) || isInside(src, dst)) {
    throw new WhetError(
      "target_overlaps_source",
      `Target ${dst} and source ${src} overlap`,
      "Convert never works in place: choose a target folder outside the source.",
    );
  }
  const existing = await stat(dst).catch(() => null);
  if (existing && !existing.isDirectory()) {
    throw new WhetError("target_not_directory", `Target exists and is not a directory: ${dst}`, "Choose a new folder name for the target.");
  }
  if (existing && (await readdir(dst)).length > 0) await clearLeftover(dst);
  return { source: src, target: dst, sourceSentinel: await readSentinel(src) };
}

/**
 * Creates the target and writes its sentinel before anything else, so every
 * output of convert is recognisably a managed workspace. Returns the cleanup
 * that puts the target back as it was (absent or empty) after a failure.
 */
export async function createTarget(
  paths: ConvertPaths,
  mode: string,
  extra: Record<string, unknown> = {},
): Promise<() => Promise<void>> {
  const existed = await stat(paths.target).then(() => true, () => false);
  await mkdir(paths.target, { recursive: true });
  const cleanup = async () => {
    if (!existed) {
      await rm(paths.target, { recursive: true, force: true });
      return;
    }
    for (const entry of await readdir(paths.target)) {
      await rm(join(paths.target, entry), { recursive: true, force: true });
    }
  };
  const source = paths.sourceSentinel;
  try {
    await writeSentinel(
      paths.target,
      newSentinel({
        operation: "convert",
        mode,
        sourceRepo: source?.managed ? (source.source_repo ?? null) : paths.source,
        sourceRevision: source?.managed ? (source.source_revision ?? null) : null,
        extra: { source_path: paths.source, ...extra, convert_status: CONVERT_WRITING, writer_pid: process.pid },
      }),
    );
  } catch (error) {
    await cleanup();
    throw new WhetError(
      "sentinel_write_failed",
      `Could not write the workspace sentinel in ${paths.target}: ${(error as Error).message}`,
      "Check that the target folder is writable and the disk is not full.",
    );
  }
  return cleanup;
}
