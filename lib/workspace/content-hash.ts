import { createHash } from "node:crypto";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { openRegularFile } from "../fs/open-regular-file";
import { join, relative, sep } from "node:path";
import { fnmatcher } from "./fnmatch";
import type { Sentinel } from "./sentinel";

/**
 * mlx-knife's content_hash v2 (its ADR-025), so a workspace Whetstone writes is
 * one mlx-knife reports as clean: per-file hashes (safetensors: the JSON header
 * only; files over 1 GiB: name and size; others: full content), aggregated over
 * `path \0 sha` in path order.
 */
export const HASH_ALGORITHM = "v2";

/** mlx-knife's default exclude list; it is frozen into each sentinel and readers use the stored copy. */
export const DEFAULT_EXCLUDE_PATTERNS: readonly string[] = [
  ".hf_cache/", ".mlxk_workspace.json",
  ".git/", ".github/", "__pycache__/",
  ".vscode/", ".idea/", ".ipynb_checkpoints/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/", ".tox/",
  "node_modules/", ".venv/", "venv/",
  "*.lock", "*.tmp", "*.log", "*.bak",
  ".DS_Store", "._*", ".Spotlight-V100/", ".Trashes/", ".fseventsd/", ".TemporaryItems/", ".apdisk", "Icon\r",
  "Thumbs.db", "desktop.ini", "$RECYCLE.BIN/", "System Volume Information/",
  "*~", ".*.swp", ".*.swo",
];

const FULL_READ_CAP = 1024 ** 3;
const HEADER_MAX = 100 * 1024 ** 2;

export interface FileIndexEntry {
  path: string;
  size: number;
  /** Nanoseconds; a bigint when computed, so the sentinel keeps the exact integer Python compares. */
  mtime_ns: bigint | number;
  sha: string;
}

export interface ContentHash {
  contentHash: string;
  fileIndex: FileIndexEntry[];
}

/** Python's default string order (code points), which JavaScript's `<` only matches below U+10000. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const sha256 = (data: string | Buffer) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

async function headerHash(path: string): Promise<string | null> {
  const handle = await openRegularFile(path, { followLinks: false });
  try {
    const prefix = Buffer.alloc(8);
    if ((await handle.read(prefix, 0, 8, 0)).bytesRead < 8) return null;
    const length = Number(prefix.readBigUInt64LE(0));
    if (length === 0 || length > HEADER_MAX) return null;
    const header = Buffer.alloc(length);
    if ((await handle.read(header, 0, length, 8)).bytesRead < length) return null;
    return sha256(header);
  } finally {
    await handle.close();
  }
}

async function fileHash(path: string, name: string, size: number): Promise<string | null> {
  if (name.endsWith(".safetensors")) return headerHash(path);
  if (size > FULL_READ_CAP) return sha256(`${name}\0${size}`);
  const hash = createHash("sha256");
  const handle = await openRegularFile(path, { followLinks: false });
  try {
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return `sha256:${hash.digest("hex")}`;
}

type Walked = { rel: string; kind: "file"; path: string } | { rel: string; kind: "symlink"; sha: string | null };

async function* walk(root: string, excludes: readonly string[]): AsyncGenerator<Walked> {
  const dirPatterns = excludes.filter((p) => p.endsWith("/")).map((p) => fnmatcher(p.slice(0, -1)));
  const filePatterns = excludes.filter((p) => !p.endsWith("/")).map((p) => fnmatcher(p));
  const stack = [root];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const entries = (await readdir(current, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
      byCodePoint(a.name.normalize("NFC"), b.name.normalize("NFC")),
    );
    for (const entry of entries) {
      const name = entry.name.normalize("NFC");
      const path = join(current, entry.name);
      const rel = relative(root, path).split(sep).map((p) => p.normalize("NFC")).join("/");
      if (entry.isSymbolicLink()) {
        // A link inside the workspace is hashed by its target path; one that escapes it makes the hash undefined.
        const target = await realpath(path).catch(() => null);
        const inside = target !== null && (target === root || target.startsWith(`${root}${sep}`));
        yield { rel, kind: "symlink", sha: inside ? sha256(`SYMLINK\0${relative(root, target).split(sep).join("/")}`) : null };
      } else if (entry.isDirectory()) {
        if (!dirPatterns.some((matches) => matches(name))) stack.push(path);
      } else if (entry.isFile() && !filePatterns.some((matches) => matches(name))) {
        yield { rel, kind: "file", path };
      }
    }
  }
}

/** `fileIndex` in path order (code points), as computeContentHash keeps it. */
function aggregateHash(fileIndex: readonly FileIndexEntry[]): string {
  const hash = createHash("sha256");
  for (const entry of fileIndex) {
    hash.update(entry.path, "utf8").update("\0").update(entry.sha, "ascii");
  }
  return `sha256:${hash.digest("hex")}`;
}

/** The v2 hash of a workspace, or null where mlx-knife's has none (corrupt safetensors header, link leaving the folder). */
export async function computeContentHash(dir: string, excludes: readonly string[] = DEFAULT_EXCLUDE_PATTERNS): Promise<ContentHash | null> {
  const root = await realpath(dir);
  const fileIndex: FileIndexEntry[] = [];
  for await (const item of walk(root, excludes)) {
    if (item.kind === "symlink") {
      if (item.sha === null) return null;
      fileIndex.push({ path: item.rel, size: 0, mtime_ns: 0, sha: item.sha });
      continue;
    }
    const info = await stat(item.path, { bigint: true });
    const sha = await fileHash(item.path, item.rel.split("/").pop() as string, Number(info.size));
    if (sha === null) return null;
    fileIndex.push({ path: item.rel, size: Number(info.size), mtime_ns: info.mtimeNs, sha });
  }
  fileIndex.sort((a, b) => byCodePoint(a.path, b.path));
  return { contentHash: aggregateHash(fileIndex), fileIndex };
}

/**
 * Whether the workspace still matches its stored file index: a stat walk that
 * rehashes only files whose mtime moved (mlx-knife's clean check, without its
 * write-back). null when the sentinel has no v2 hash.
 */
export async function isWorkspaceClean(dir: string, sentinel: Sentinel): Promise<boolean | null> {
  if (sentinel.hash_algorithm !== HASH_ALGORITHM || !sentinel.file_index) return null;
  const stored = new Map<string, FileIndexEntry>();
  for (const entry of sentinel.file_index) {
    const path = entry.path;
    if (path === "" || path.includes("\0") || path.includes("\\") || path.startsWith("/") || /^.:/.test(path) || path.split("/").includes("..")) {
      return null;
    }
    stored.set(path, entry);
  }
  const excludes = sentinel.exclude_patterns ?? DEFAULT_EXCLUDE_PATTERNS;
  const root = await realpath(dir);
  const seen = new Set<string>();
  for await (const item of walk(root, excludes)) {
    seen.add(item.rel);
    const entry = stored.get(item.rel);
    if (!entry) return false;
    if (item.kind === "symlink") {
      if (item.sha !== entry.sha) return false;
      continue;
    }
    const info = await lstat(item.path, { bigint: true });
    if (Number(info.size) !== entry.size) return false;
    // Stored values come back from JSON as doubles: compare after the same rounding.
    if (Number(info.mtimeNs) === Number(entry.mtime_ns)) continue;
    if ((await fileHash(item.path, item.rel.split("/").pop() as string, Number(info.size))) !== entry.sha) return false;
  }
  return seen.size === stored.size;
}

/** The sentinel fields of a fresh v2 hash, `hash_modified` in mlx-knife's UTC form. */
export function hashFields(hash: ContentHash, now = new Date()): Record<string, unknown> {
  return {
    hash_algorithm: HASH_ALGORITHM,
    content_hash: hash.contentHash,
    hash_modified: now.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z"),
    exclude_patterns: [...DEFAULT_EXCLUDE_PATTERNS],
    file_index: hash.fileIndex,
  };
}
