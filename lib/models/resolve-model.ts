import { lstat, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { defaultRevision, scanHubCache, type CachedRepo } from "../cache/scan-hub-cache";
import { WhetError } from "../errors";
import { assertModelName } from "./model-name";

export type ResolvedModel =
  | { kind: "workspace"; name: string; path: string }
  | { kind: "cache"; name: string; repoId: string; commit: string; path: string };

export interface ModelRoots {
  hubCache: string;
  workspaceRoot: string;
}

export interface ResolveOptions {
  /**
   * A path the user typed on the CLI is theirs: absolute, `./`, `~/`, or a
   * model folder in the current directory. Off by default: the app and the
   * HTTP API take names only, found in the workspace root and the HF cache.
   */
  allowPaths?: boolean;
}

function isExplicitPath(spec: string): boolean {
  return spec === "." || spec === ".." || /^(\/|\.\/|\.\.\/|~\/)/.test(spec);
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** A folder of the workspace root itself, not a link to one elsewhere (the listing shows only these). */
async function isWorkspaceFolder(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null))?.isDirectory() ?? false;
}

async function workspaceNames(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith(".")).map((e) => e.name).sort();
}

function pickRevision(repo: CachedRepo, revision: string | null, spec: string) {
  if (revision === null) {
    const found = defaultRevision(repo);
    if (!found) throw new WhetError("model_not_cached", `${repo.repoId} has no snapshot in the cache`, `Download it with whet pull ${repo.repoId}.`);
    return found;
  }
  const byRef = repo.revisions.find((r) => r.refs.includes(revision));
  if (byRef) return byRef;
  const byHash = revision.length >= 4 ? repo.revisions.filter((r) => r.commit.startsWith(revision.toLowerCase())) : [];
  if (byHash.length === 1) return byHash[0] as (typeof byHash)[0];
  throw new WhetError(
    "hash_not_found",
    `${spec}: no cached revision matches '${revision}'`,
    `Cached revisions: ${repo.revisions.map((r) => `${r.commit.slice(0, 8)}${r.refs.length ? ` (${r.refs.join(", ")})` : ""}`).join("; ") || "none"}.`,
    { available_hashes: repo.revisions.map((r) => r.commit.slice(0, 8)) },
  );
}

/**
 * Finds the folder a model spec names: a workspace under the workspace root,
 * or `org/name[@rev]` in the HF cache; else a unique case-insensitive
 * substring match. Ambiguous matches are reported, never guessed. With
 * `allowPaths` (the CLI), also an explicit path; without it a spec that is
 * not a name is refused before anything is read.
 */
export async function resolveModel(spec: string, roots: ModelRoots, options: ResolveOptions = {}): Promise<ResolvedModel> {
  if (spec.trim() === "") throw new WhetError("model_not_found", "No model given", "Name a model: a path, a workspace or org/name.");
  if (!options.allowPaths) assertModelName(spec);
  // Like mlx-knife, a bare name that is a model folder in the current directory counts as a path.
  const localModel = options.allowPaths === true && !spec.includes("@") && (await stat(join(spec, "config.json")).then(() => true, () => false));
  if (options.allowPaths && (isExplicitPath(spec) || localModel)) {
    const path = resolve(spec.startsWith("~/") ? join(process.env.HOME ?? "", spec.slice(2)) : spec);
    if (!(await isDirectory(path))) {
      throw new WhetError("model_not_found", `Workspace not found: ${spec}`, "Check the path; `whet list` shows workspaces and cached models.");
    }
    return { kind: "workspace", name: path, path };
  }

  const at = spec.lastIndexOf("@");
  const base = at === -1 ? spec : spec.slice(0, at);
  const revision = at === -1 ? null : spec.slice(at + 1);
  const { repos } = await scanHubCache(roots.hubCache);
  const models = repos.filter((r) => r.type === "model");

  if (!base.includes("/") && revision === null && (await (options.allowPaths ? isDirectory : isWorkspaceFolder)(join(roots.workspaceRoot, base)))) {
    const path = join(roots.workspaceRoot, base);
    return { kind: "workspace", name: base, path };
  }
  const exact = models.find((r) => r.repoId === base);
  if (exact) {
    const rev = pickRevision(exact, revision, spec);
    return { kind: "cache", name: exact.repoId, repoId: exact.repoId, commit: rev.commit, path: rev.snapshotPath };
  }

  const needle = base.toLowerCase();
  const workspaces = revision === null ? await workspaceNames(roots.workspaceRoot) : [];
  const matches = [
    ...workspaces.filter((w) => w.toLowerCase().includes(needle)).map((w) => ({ label: w, workspace: w })),
    ...models.filter((r) => r.repoId.toLowerCase().includes(needle)).map((r) => ({ label: r.repoId, repo: r })),
  ];
  if (matches.length > 1) {
    throw new WhetError(
      "ambiguous_match",
      `Multiple models match '${spec}'`,
      `Be more specific; candidates: ${matches.map((m) => m.label).join(", ")}.`,
      { matches: matches.map((m) => m.label) },
    );
  }
  const only = matches[0];
  if (!only) {
    throw new WhetError("model_not_found", `No model found matching '${spec}'`, "See `whet list` for what is here, or clone it with whet clone ORG/NAME.");
  }
  if ("workspace" in only && only.workspace) {
    return { kind: "workspace", name: only.workspace, path: join(roots.workspaceRoot, only.workspace) };
  }
  const repo = (only as { repo: CachedRepo }).repo;
  const rev = pickRevision(repo, revision, spec);
  return { kind: "cache", name: repo.repoId, repoId: repo.repoId, commit: rev.commit, path: rev.snapshotPath };
}
