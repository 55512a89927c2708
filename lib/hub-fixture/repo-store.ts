import { createHash } from "node:crypto";
import { WhetError } from "../errors";
import { buildCommit, type Commit } from "./build-commit";
import { readFolderFiles } from "./read-folder-files";
import {
  isCommitHash,
  parseRepoSpec,
  revisionSpecSchema,
  type ParsedRevisionSpec,
  type RepoSpec,
  type RevisionSpec,
} from "./repo-spec";

export const DEFAULT_BRANCH = "main";

/** Commits without a date are spaced an hour apart from here, so their hashes never drift. */
const FIRST_COMMIT_DATE = Date.parse("2025-01-01T00:00:00.000Z");

export interface StoredRepo {
  id: string;
  /** Mongo-style id the Hub returns as `_id`, derived from the repo id. */
  objectId: string;
  private: boolean;
  gated: false | "auto" | "manual";
  downloads: number;
  likes: number;
  pipelineTag?: string;
  tags: string[];
  libraryName?: string;
  commits: Map<string, Commit>;
  branches: Map<string, string>;
  tagRefs: Map<string, string>;
  /** Date of the first commit. */
  createdAt: string;
}

export interface RepoStore {
  addRepo(spec: RepoSpec): Promise<StoredRepo>;
  /** Commits the folder on the revision's branch (advancing it) and returns the new commit. */
  addRevision(repoId: string, revision: RevisionSpec): Promise<Commit>;
  /** Repo ids are matched case-insensitively, as on the Hub. */
  get(repoId: string): StoredRepo | undefined;
  list(): StoredRepo[];
}

export function createRepoStore(): RepoStore {
  const repos = new Map<string, StoredRepo>();
  // Hashing is async; one queue keeps parents and branch heads consistent when additions overlap.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const get = (repoId: string) => repos.get(repoId.toLowerCase());

  return {
    addRepo: (input) =>
      serial(async () => {
        const spec = parseRepoSpec(input);
        if (get(spec.id)) {
          throw new WhetError(
            "hub_fixture_repo_exists",
            `The Hub fixture already serves ${spec.id}`,
            "Use addRevision to push a new revision to an existing repo.",
            { id: spec.id },
          );
        }
        const repo: StoredRepo = {
          id: spec.id,
          objectId: createHash("sha1").update(spec.id).digest("hex").slice(0, 24),
          private: spec.private,
          gated: spec.gated,
          downloads: spec.downloads,
          likes: spec.likes,
          pipelineTag: spec.pipelineTag,
          tags: spec.tags,
          libraryName: spec.libraryName,
          commits: new Map(),
          branches: new Map(),
          tagRefs: new Map(),
          createdAt: "",
        };
        for (const revision of spec.revisions) await commitRevision(repo, revision);
        repos.set(spec.id.toLowerCase(), repo);
        return repo;
      }),
    addRevision: (repoId, input) =>
      serial(async () => {
        const repo = get(repoId);
        if (!repo) {
          throw new WhetError(
            "hub_fixture_repo_missing",
            `The Hub fixture does not serve ${repoId}`,
            "Add the repo with addRepo first.",
            { id: repoId },
          );
        }
        return commitRevision(repo, revisionSpecSchema.parse(input));
      }),
    get,
    list: () => [...repos.values()],
  };
}

async function commitRevision(repo: StoredRepo, revision: ParsedRevisionSpec): Promise<Commit> {
  const files = await readFolderFiles(revision.dir);
  const parentId = repo.branches.get(revision.branch) ?? repo.branches.get(DEFAULT_BRANCH);
  const parent = parentId ? (repo.commits.get(parentId) ?? null) : null;
  const date = revision.date ? new Date(revision.date) : new Date(FIRST_COMMIT_DATE + repo.commits.size * 3_600_000);
  const title = revision.message ?? (parent ? "Upload folder using huggingface_hub" : "Initial commit");
  const commit = buildCommit({ files, parent, date, title });
  repo.commits.set(commit.id, commit);
  repo.branches.set(revision.branch, commit.id);
  for (const tag of revision.tags) repo.tagRefs.set(tag, commit.id);
  if (!repo.createdAt) repo.createdAt = commit.date;
  return commit;
}

/**
 * What the Hub accepts as a revision: a branch, a tag, a full commit hash,
 * `HEAD` (the default branch) or a fully qualified `refs/heads/…` / `refs/tags/…`.
 */
export function resolveRevision(repo: StoredRepo, revision: string): Commit | undefined {
  if (isCommitHash(revision)) return repo.commits.get(revision);
  const name = revision === "HEAD" ? DEFAULT_BRANCH : revision;
  const id =
    repo.branches.get(name.replace(/^refs\/heads\//, "")) ??
    repo.tagRefs.get(name.replace(/^refs\/tags\//, ""));
  return id ? repo.commits.get(id) : undefined;
}

/** The commit the repo's default branch points at, which the repo-level fields describe. */
export function headCommit(repo: StoredRepo): Commit | undefined {
  return resolveRevision(repo, DEFAULT_BRANCH);
}
