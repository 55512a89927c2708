import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { WhetError } from "../errors";
import { isInside, realPathLenient } from "../fs/path-inside";
import { newSentinel, readSentinel, writeSentinel, type Sentinel } from "../workspace/sentinel";

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
  if (existing && (await readdir(dst)).length > 0) {
    throw new WhetError("target_not_empty", `Target directory not empty: ${dst}`, "Choose a new folder, or empty this one first.");
  }
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
      await rm(`${paths.target}/${entry}`, { recursive: true, force: true });
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
        extra: { source_path: paths.source, ...extra },
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
