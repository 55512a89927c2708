import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SENTINEL_FILE } from "../workspace/sentinel";
import { HOSTILE_SECRET } from "./defects";

/**
 * `.mlxk_workspace.json` files a repo (or another tool) can leave in a model
 * folder (issue #10 finding 3): one well-formed but with an exclude pattern
 * built to make a backtracking matcher run for hours, and malformed ones.
 */
export const HOSTILE_SENTINELS = {
  /** Valid shape; `*a*a…*b` against the file name of 64 characters this fixture also writes (sorted first, so a walk tests it first). */
  backtracking: {
    mlxk_version: "2.0.8",
    created_at: "2026-01-01T00:00:00.000000Z",
    source_repo: "someone/else",
    source_revision: null,
    managed: true,
    operation: "clone",
    hash_algorithm: "v2",
    content_hash: `sha256:${"0".repeat(64)}`,
    exclude_patterns: [`${"*a".repeat(12)}*b`],
    file_index: [],
    injected: { note: "not Whetstone's" },
  },
  wrongTypes: { mlxk_version: 2, created_at: HOSTILE_SECRET, managed: "yes", operation: ["clone"] },
  oversized: {
    mlxk_version: "2.0.8",
    created_at: "2026-01-01T00:00:00.000000Z",
    managed: true,
    operation: "clone",
    source_repo: "x".repeat(100_000),
    exclude_patterns: Array.from({ length: 5_000 }, (_, i) => `*${i}`),
  },
  notAnObject: [HOSTILE_SECRET],
} as const;

/** Sorts before every other entry of a model folder (`-` < `.` < letters). */
export const BACKTRACKING_BAIT = `-${"a".repeat(63)}`;

export type HostileSentinel = keyof typeof HOSTILE_SENTINELS;

/** Writes a hostile sentinel into `dir` (and, for `backtracking`, the file name it is aimed at). */
export async function writeHostileSentinel(dir: string, kind: HostileSentinel): Promise<void> {
  await writeFile(join(dir, SENTINEL_FILE), `${JSON.stringify(HOSTILE_SENTINELS[kind], null, 2)}\n`);
  if (kind === "backtracking") await writeFile(join(dir, BACKTRACKING_BAIT), "");
}
