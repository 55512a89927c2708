import { open } from "node:fs/promises";
import { join } from "node:path";
import { compileGlob, globMatch, type Glob } from "../fs/glob-match";
import { SENTINEL_FILE } from "../workspace/sentinel";

export const HFIGNORE_FILE = ".hfignore";

/** Why a file stays local. */
export interface ExclusionRule {
  glob: Glob;
  /** "path": matched against the path from the workspace root; "name": against the file or folder name alone, at any depth. */
  on: "path" | "name";
  reason: string;
}

const rule = (pattern: string, on: ExclusionRule["on"], reason: string): ExclusionRule => ({ glob: compileGlob(pattern), on, reason });

/** Never pushed: local metadata, partial downloads, and editor and OS litter. */
export const BUILTIN_EXCLUSIONS: readonly ExclusionRule[] = [
  rule(SENTINEL_FILE, "path", "the workspace sentinel (local metadata)"),
  rule(HFIGNORE_FILE, "path", "the workspace's push rules"),
  rule(".git/", "name", "git metadata"),
  rule(".cache/huggingface/", "path", "huggingface_hub's local-dir metadata"),
  rule(".hf_cache/", "path", "mlx-knife's download cache"),
  rule(".whet-clone/", "path", "a clone's partial downloads"),
  rule("*.incomplete", "name", "a partial download"),
  rule("*.incomplete.ranges", "name", "a partial download's record"),
  rule(".DS_Store", "name", "macOS folder metadata"),
  rule("._*", "name", "macOS resource fork"),
  rule("Thumbs.db", "name", "Windows thumbnail cache"),
  rule("desktop.ini", "name", "Windows folder metadata"),
  rule("*~", "name", "an editor backup"),
  rule(".*.swp", "name", "a vim swap file"),
  rule(".*.swo", "name", "a vim swap file"),
  rule("__pycache__/", "name", "Python bytecode cache"),
];

/** Most patterns read from `.hfignore`, and its largest size; more is a mistake, not a rule set. */
const MAX_PATTERNS = 1000;
const MAX_HFIGNORE_BYTES = 64 * 1024;

/**
 * The workspace's `.hfignore` as rules: one fnmatch pattern per line, matched
 * against the path from the workspace root as huggingface_hub's
 * `ignore_patterns` are (`*` crosses folders, a trailing `/` means a folder);
 * blank lines and `#` comments skipped. None when the file is absent.
 */
export async function readHfignore(workspace: string): Promise<ExclusionRule[]> {
  let text: string;
  try {
    const handle = await open(join(workspace, HFIGNORE_FILE), "r");
    try {
      const buffer = Buffer.alloc(MAX_HFIGNORE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, MAX_HFIGNORE_BYTES, 0);
      text = buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .slice(0, MAX_PATTERNS)
    .map((pattern) => rule(pattern.replace(/^\/+/, ""), "path", `.hfignore: ${pattern}`));
}

/**
 * The rule that keeps `path` local, or null when it is pushed. A folder is
 * asked about with a trailing `/` (`drafts/`), so folder rules can skip it whole.
 */
export function exclusionFor(path: string, rules: readonly ExclusionRule[]): ExclusionRule | null {
  const folder = path.endsWith("/");
  const trimmed = folder ? path.slice(0, -1) : path;
  const name = trimmed.slice(trimmed.lastIndexOf("/") + 1) + (folder ? "/" : "");
  return rules.find((r) => globMatch(r.glob, r.on === "name" ? name : path)) ?? null;
}
