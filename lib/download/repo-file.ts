import { z } from "zod";
import { WhetError } from "../errors";

/** One file of a pinned commit, as the downloader needs it. */
export interface RepoFile {
  path: string;
  size: number;
  /** The blob name in the HF cache and the hash checked: lfs.oid (sha256) or the git blob sha1. */
  etag: string;
  algorithm: "sha256" | "git-sha1";
}

/** Larger than any file the Hub serves over plain HTTP (50 GB); a bigger number is a hostile listing. */
export const MAX_FILE_SIZE = 2 ** 40;
export const MAX_FILES = 100_000;
const MAX_TOTAL = 2 ** 50;
const MAX_PATH = 1000;
const MAX_SEGMENT = 255;

function pathProblem(path: string): string | null {
  if (path.length === 0) return "is empty";
  if (path.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  // Control characters (NUL among them) have no place in a file name and break terminals and logs.
  if (/[\u0000-\u001f\u007f]/.test(path)) return "contains a control character";
  if (path.includes("\\")) return "contains a backslash";
  if (path.startsWith("/")) return "is absolute";
  for (const segment of path.split("/")) {
    if (segment === "") return "has an empty segment";
    if (segment === "." || segment === "..") return `has a '${segment}' segment`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT) return `has a name longer than ${MAX_SEGMENT} bytes`;
  }
  return null;
}

const repoPath = z.string().superRefine((path, ctx) => {
  const problem = pathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const size = z.number().int().min(0).max(MAX_FILE_SIZE);

/** A tree entry as the Hub sends it; unknown keys (xetHash, lastCommit…) are ignored. */
const treeEntrySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("file"),
    path: repoPath,
    size,
    oid: z.string().regex(/^[0-9a-f]{40}$/, "is not a git sha1"),
    lfs: z.object({ oid: z.string().regex(/^[0-9a-f]{64}$/, "is not a sha256"), size }).optional(),
  }),
  z.object({ type: z.literal("directory"), path: repoPath }),
]);

function refuse(repoId: string, detail: string): WhetError {
  return new WhetError(
    "hostile_listing",
    `The Hub's file listing for ${repoId} is not acceptable: ${detail}. Nothing was downloaded.`,
    "The server answered with an unsafe or inconsistent listing; check HF_ENDPOINT, or report the repository.",
  );
}

/**
 * Validates a whole recursive tree listing before anything is created: every
 * path safe and unique (a name is never both a file and a folder), every size
 * bounded, every hash well-formed, one size per blob. Returns the files.
 */
export function parseTreeListing(repoId: string, entries: readonly unknown[]): RepoFile[] {
  if (entries.length > MAX_FILES) throw refuse(repoId, `more than ${MAX_FILES} entries`);
  const files: RepoFile[] = [];
  const kinds = new Map<string, "file" | "directory">();
  const blobSizes = new Map<string, number>();
  for (const [i, raw] of entries.entries()) {
    const parsed = treeEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue?.path.length ? issue.path.join(".") : "entry";
      throw refuse(repoId, `entry ${i + 1}: ${at} ${issue?.message ?? "is malformed"}`);
    }
    const entry = parsed.data;
    if (kinds.has(entry.path)) throw refuse(repoId, `'${entry.path}' is listed twice`);
    kinds.set(entry.path, entry.type);
    if (entry.type === "directory") continue;
    if (entry.lfs && entry.lfs.size !== entry.size) throw refuse(repoId, `'${entry.path}' has two different sizes`);
    const file: RepoFile = entry.lfs
      ? { path: entry.path, size: entry.size, etag: entry.lfs.oid, algorithm: "sha256" }
      : { path: entry.path, size: entry.size, etag: entry.oid, algorithm: "git-sha1" };
    const known = blobSizes.get(file.etag);
    if (known !== undefined && known !== file.size) throw refuse(repoId, `blob ${file.etag} is listed with two sizes`);
    blobSizes.set(file.etag, file.size);
    files.push(file);
  }
  if (files.reduce((n, f) => n + f.size, 0) > MAX_TOTAL) throw refuse(repoId, "the files add up to more than a petabyte");
  for (const file of files) {
    for (let slash = file.path.indexOf("/"); slash !== -1; slash = file.path.indexOf("/", slash + 1)) {
      if (kinds.get(file.path.slice(0, slash)) === "file") throw refuse(repoId, `'${file.path.slice(0, slash)}' is both a file and a folder`);
    }
  }
  return files;
}
