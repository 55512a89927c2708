import { createHash } from "node:crypto";
import { WhetError } from "../errors";
import { buildCommit, type Commit } from "./build-commit";
import { HubRequestError, repoNotFound, revisionNotFound, entryNotFound } from "./hub-response";
import { readFolderFiles, type RepoFile } from "./read-folder-files";
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

/** One commit's changes, applied on top of the branch head. */
export interface CommitChanges {
  branch: string;
  /** When given, the commit is refused (412) unless the branch still points at it. */
  parentCommit?: string;
  title: string;
  date: Date;
  /** Files added or replaced, their bytes already stored. */
  add: readonly RepoFile[];
  deleteFiles: readonly string[];
  deleteFolders: readonly string[];
}

export interface RepoStore {
  addRepo(spec: RepoSpec): Promise<StoredRepo>;
  /** A repo made through the API: its first commit on main holds `files`. 409 when the id is taken. */
  createRepo(input: { id: string; private: boolean; files: readonly RepoFile[]; date: Date; title: string }): Promise<StoredRepo>;
  /**
   * Applies one commit atomically: every check (branch, parent, paths to
   * delete) passes before anything changes, so a refused commit changes nothing.
   */
  commit(repoId: string, changes: CommitChanges): Promise<Commit>;
  /** A new branch at the commit `from` names (a revision). 409 when it exists, unless `overwrite`. */
  createBranch(repoId: string, branch: string, from: string, overwrite: boolean): Promise<Commit>;
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
          ...emptyRepo(spec.id, spec.private),
          gated: spec.gated,
          downloads: spec.downloads,
          likes: spec.likes,
          pipelineTag: spec.pipelineTag,
          tags: spec.tags,
          libraryName: spec.libraryName,
        };
        for (const revision of spec.revisions) await commitRevision(repo, revision);
        repos.set(spec.id.toLowerCase(), repo);
        return repo;
      }),
    createRepo: (input) =>
      serial(async () => {
        if (get(input.id)) {
          throw new HubRequestError({ status: 409, message: "You already created this model repo" });
        }
        const repo = emptyRepo(input.id, input.private);
        advance(repo, DEFAULT_BRANCH, buildCommit({ files: input.files, parent: null, date: input.date, title: input.title }));
        repos.set(input.id.toLowerCase(), repo);
        return repo;
      }),
    commit: (repoId, changes) =>
      serial(async () => {
        const repo = get(repoId);
        if (!repo) throw new HubRequestError(repoNotFound());
        const headId = repo.branches.get(changes.branch);
        const head = headId ? repo.commits.get(headId) : undefined;
        if (!head) throw new HubRequestError(revisionNotFound(changes.branch));
        if (changes.parentCommit && changes.parentCommit !== head.id) {
          throw new HubRequestError({ status: 412, message: "A commit has happened since. Please refresh and try again." });
        }
        const files = new Map<string, RepoFile>();
        for (const entry of head.entries.values()) if (entry.type === "file") files.set(entry.path, entry);
        for (const path of changes.deleteFiles) {
          if (!files.delete(path)) throw new HubRequestError(entryNotFound(path, head.id));
        }
        for (const folder of changes.deleteFolders) {
          const below = [...files.keys()].filter((path) => path.startsWith(`${folder}/`));
          if (below.length === 0) throw new HubRequestError(entryNotFound(folder, head.id));
          for (const path of below) files.delete(path);
        }
        for (const file of changes.add) {
          const clash = [...files.keys()].find((path) => path.startsWith(`${file.path}/`) || file.path.startsWith(`${path}/`));
          if (clash) {
            throw new HubRequestError({ status: 400, message: `${file.path} cannot be both a file and a folder (${clash})` });
          }
          files.set(file.path, file);
        }
        const sorted = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const commit = buildCommit({ files: sorted, parent: head, date: changes.date, title: changes.title });
        advance(repo, changes.branch, commit);
        return commit;
      }),
    createBranch: (repoId, branch, from, overwrite) =>
      serial(async () => {
        const repo = get(repoId);
        if (!repo) throw new HubRequestError(repoNotFound());
        if (repo.branches.has(branch) && !overwrite) {
          throw new HubRequestError({ status: 409, message: `Reference already exists: refs/heads/${branch}` });
        }
        const start = resolveRevision(repo, from);
        if (!start) throw new HubRequestError(revisionNotFound(from));
        repo.branches.set(branch, start.id);
        return start;
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

function emptyRepo(id: string, isPrivate: boolean): StoredRepo {
  return {
    id,
    objectId: createHash("sha1").update(id).digest("hex").slice(0, 24),
    private: isPrivate,
    gated: false,
    downloads: 0,
    likes: 0,
    tags: [],
    commits: new Map(),
    branches: new Map(),
    tagRefs: new Map(),
    createdAt: "",
  };
}

function advance(repo: StoredRepo, branch: string, commit: Commit): void {
  repo.commits.set(commit.id, commit);
  repo.branches.set(branch, commit.id);
  if (!repo.createdAt) repo.createdAt = commit.date;
}

async function commitRevision(repo: StoredRepo, revision: ParsedRevisionSpec): Promise<Commit> {
  const files = await readFolderFiles(revision.dir);
  const parentId = repo.branches.get(revision.branch) ?? repo.branches.get(DEFAULT_BRANCH);
  const parent = parentId ? (repo.commits.get(parentId) ?? null) : null;
  const date = revision.date ? new Date(revision.date) : new Date(FIRST_COMMIT_DATE + repo.commits.size * 3_600_000);
  const title = revision.message ?? (parent ? "Upload folder using huggingface_hub" : "Initial commit");
  const commit = buildCommit({ files, parent, date, title });
  advance(repo, revision.branch, commit);
  for (const tag of revision.tags) repo.tagRefs.set(tag, commit.id);
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

/** A file with this LFS sha256 anywhere in the repo's history (repos made from folders keep their LFS bytes there). */
export function findLfsFile(repo: StoredRepo, sha256: string): RepoFile | undefined {
  for (const commit of repo.commits.values()) {
    for (const entry of commit.entries.values()) {
      if (entry.type === "file" && entry.lfs?.oid === sha256) return entry;
    }
  }
  return undefined;
}

/** The commit the repo's default branch points at, which the repo-level fields describe. */
export function headCommit(repo: StoredRepo): Commit | undefined {
  return resolveRevision(repo, DEFAULT_BRANCH);
}
