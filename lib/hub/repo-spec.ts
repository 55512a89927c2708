import { z } from "zod";
import { WhetError } from "../errors";

export interface RepoSpec {
  repoId: string;
  /** Branch, tag or commit; "main" when the spec has no `@`. */
  revision: string;
}

const repoId = z
  .string()
  .max(96)
  .regex(/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/);

/**
 * A branch, tag or commit: it becomes a path under the cache's `refs/`
 * (`refs/pr/1` included), so no empty, `.` or `..` segment and no odd characters.
 */
function isSafeRevision(revision: string): boolean {
  return revision.length <= 200 && /^[\w.+-]+(\/[\w.+-]+)*$/.test(revision) && !revision.split("/").some((s) => s === "." || s === "..");
}

/** Parses `org/name[@revision]` as the Hub names repositories. */
export function parseRepoSpec(spec: string): RepoSpec {
  const at = spec.lastIndexOf("@");
  const id = at === -1 ? spec : spec.slice(0, at);
  const revision = at === -1 ? "main" : spec.slice(at + 1);
  if (!repoId.safeParse(id).success || !isSafeRevision(revision) || id.includes("--")) {
    throw new WhetError(
      "invalid_repo_id",
      `Not a Hub repository name: '${spec}'`,
      "Use org/name, optionally with @branch, @tag or @commit (for example mlx-community/Llama-3.2-1B-Instruct-4bit@main).",
    );
  }
  return { repoId: id, revision };
}
