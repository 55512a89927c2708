import type { Fault } from "./fault-proxy";

/**
 * Lying tree listings and paths-info answers, as `rewriteJson` transforms for
 * the fault proxy: each makes one thing a downloader must refuse (or survive)
 * out of the Hub's real answer. Both endpoints answer an array of entries;
 * anything else passes unchanged, and the input is never mutated.
 *
 * The entry changed is the first LFS file of the answer (the first shard),
 * or for `wrongOid` the first file outside LFS. Added entries copy that LFS
 * file's oid and sizes, so only the path is wrong.
 */
export type ListingTransform = Extract<Fault, { kind: "rewriteJson" }>["transform"];

export interface ListingEntry {
  type: string;
  oid: string;
  size: number;
  lfs?: { oid: string; size: number; pointerSize: number };
  path: string;
}

export const traversalPath = withAddedFile("../escape");
export const absolutePath = withAddedFile("/abs/file");
export const dotPath = withAddedFile(".");
export const nulInPath = withAddedFile("a\u0000b");
export const backslashPath = withAddedFile("a\\b");

/** Announced at half its real size. */
export const sizeSmaller = withLfsSize((real) => Math.floor(real / 2));
/** Announced 4 KiB over its real size. */
export const sizeLarger = withLfsSize((real) => real + 4096);
export const negativeSize = withLfsSize(() => -1);
export const fractionalSize = withLfsSize((real) => real + 0.5);
export const absurdSize = withLfsSize(() => 1e18);

/** A regular file's git blob sha1 (its ETag) with the last digit changed. */
export const wrongOid = hostile((entries) => {
  const entry = entries.find((e) => e.type === "file" && !e.lfs);
  if (entry) entry.oid = otherHex(entry.oid);
  return entries;
});

/** An LFS file's sha256 (its X-Linked-Etag) with the last digit changed. */
export const wrongLfsOid = hostile((entries) => {
  const entry = firstLfsFile(entries);
  if (entry?.lfs) entry.lfs.oid = otherHex(entry.lfs.oid);
  return entries;
});

/** The same LFS file listed twice in a row. */
export const duplicatedEntry = hostile((entries) => {
  const entry = firstLfsFile(entries);
  return entry ? entries.flatMap((e) => (e === entry ? [e, structuredClone(e)] : [e])) : entries;
});

/** Every transform above by name, for tests that run a downloader against each. */
export const HOSTILE_LISTINGS: Record<string, ListingTransform> = {
  traversalPath,
  absolutePath,
  dotPath,
  nulInPath,
  backslashPath,
  sizeSmaller,
  sizeLarger,
  negativeSize,
  fractionalSize,
  absurdSize,
  wrongOid,
  wrongLfsOid,
  duplicatedEntry,
};

function hostile(change: (entries: ListingEntry[]) => ListingEntry[]): ListingTransform {
  return (body) => (Array.isArray(body) ? change(structuredClone(body) as ListingEntry[]) : body);
}

function withAddedFile(path: string): ListingTransform {
  return hostile((entries) => {
    const model = firstLfsFile(entries);
    return model ? [...entries, { ...structuredClone(model), path }] : entries;
  });
}

function withLfsSize(size: (real: number) => number): ListingTransform {
  return hostile((entries) => {
    const entry = firstLfsFile(entries);
    if (entry?.lfs) {
      entry.size = size(entry.size);
      entry.lfs.size = entry.size;
    }
    return entries;
  });
}

function firstLfsFile(entries: ListingEntry[]): ListingEntry | undefined {
  return entries.find((e) => e.type === "file" && e.lfs);
}

function otherHex(hex: string): string {
  return hex.slice(0, -1) + (hex.endsWith("0") ? "1" : "0");
}
