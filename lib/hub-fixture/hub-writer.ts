import { appendFile, readFile } from "node:fs/promises";
import { z } from "zod";
import type { Commit } from "./build-commit";
import { gitBlobOid } from "./git-objects";
import { HubRequestError, repoNotFound } from "./hub-response";
import { lfsPointer } from "./lfs";
import type { ObjectStore } from "./object-store";
import type { RepoFile } from "./read-folder-files";
import { findLfsFile, type RepoStore, type StoredRepo } from "./repo-store";

/** What every new Hub repo starts with: the LFS rules for weights and archives. */
export const INITIAL_GITATTRIBUTES = [
  "*.bin filter=lfs diff=lfs merge=lfs -text",
  "*.gguf filter=lfs diff=lfs merge=lfs -text",
  "*.npz filter=lfs diff=lfs merge=lfs -text",
  "*.safetensors filter=lfs diff=lfs merge=lfs -text",
  "*.zip filter=lfs diff=lfs merge=lfs -text",
  "",
].join("\n");

/** One line of a commit, its bytes already in the object store. */
const writeOperationSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("file"), path: z.string(), sha256: z.string(), blobOid: z.string(), size: z.number().int().nonnegative() }),
  z.object({ kind: z.literal("lfsFile"), path: z.string(), sha256: z.string(), size: z.number().int().nonnegative().optional() }),
  z.object({ kind: z.literal("deletedFile"), path: z.string() }),
  z.object({ kind: z.literal("deletedFolder"), path: z.string() }),
]);
export type WriteOperation = z.infer<typeof writeOperationSchema>;

export interface CommitRequest {
  repoId: string;
  branch: string;
  parentCommit?: string;
  title: string;
  operations: WriteOperation[];
}

/** The journal: every write, in order, so a fixture given a data folder replays them after a restart. */
const journalEntrySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("createRepo"), id: z.string(), private: z.boolean(), date: z.string() }),
  z.object({
    type: z.literal("commit"),
    repoId: z.string(),
    branch: z.string(),
    title: z.string(),
    date: z.string(),
    operations: z.array(writeOperationSchema),
  }),
  z.object({ type: z.literal("createBranch"), repoId: z.string(), branch: z.string(), from: z.string(), overwrite: z.boolean() }),
]);
type JournalEntry = z.infer<typeof journalEntrySchema>;

export interface HubWriter {
  objects: ObjectStore;
  createRepo(input: { id: string; private: boolean }): Promise<StoredRepo>;
  commit(request: CommitRequest): Promise<Commit>;
  createBranch(input: { repoId: string; branch: string; from: string; overwrite: boolean }): Promise<Commit>;
  /** Size of the LFS object as the repo can use it (stored upload or a file of its own), or null. */
  lfsObjectSize(repo: StoredRepo, sha256: string): Promise<number | null>;
  /** Re-applies a journal written by an earlier run (no-op when there is none). */
  replay(): Promise<number>;
}

/**
 * The fixture's write side: repo creation, commits and branches on top of the
 * repo store, with pushed bytes in the object store. With a journal file every
 * write is appended to it after it succeeds; replaying it with the recorded
 * dates rebuilds the same commits (commit ids are derived from content and date).
 */
export function createHubWriter(options: { store: RepoStore; objects: ObjectStore; journal: string | null; now: () => Date }): HubWriter {
  const { store, objects, journal } = options;
  let replaying = false;
  const record = async (entry: JournalEntry) => {
    if (journal && !replaying) await appendFile(journal, `${JSON.stringify(entry)}\n`);
  };

  const lfsObjectSize = async (repo: StoredRepo, sha256: string) => (await objects.sizeOf(sha256)) ?? findLfsFile(repo, sha256)?.size ?? null;

  async function toRepoFile(repo: StoredRepo, op: Extract<WriteOperation, { kind: "file" | "lfsFile" }>): Promise<RepoFile> {
    if (op.kind === "file") return { type: "file", path: op.path, absPath: objects.path(op.sha256), size: op.size, oid: op.blobOid };
    const stored = (await objects.sizeOf(op.sha256)) === null ? findLfsFile(repo, op.sha256)?.absPath : objects.path(op.sha256);
    const size = await lfsObjectSize(repo, op.sha256);
    if (!stored || size === null || (op.size !== undefined && op.size !== size)) {
      throw new HubRequestError({
        status: 422,
        message: `Your push was rejected because an LFS pointer pointed to a file that does not exist: ${op.path} (sha256 ${op.sha256})`,
      });
    }
    const pointer = lfsPointer(op.sha256, size);
    return { type: "file", path: op.path, absPath: stored, size, oid: gitBlobOid(pointer), lfs: { oid: op.sha256, size, pointerSize: Buffer.byteLength(pointer) } };
  }

  async function createRepo(input: { id: string; private: boolean }, date: Date): Promise<StoredRepo> {
    const gitattributes = await objects.putBytes(Buffer.from(INITIAL_GITATTRIBUTES));
    const files: RepoFile[] = [
      { type: "file", path: ".gitattributes", absPath: gitattributes.path, size: gitattributes.size, oid: gitattributes.blobOid },
    ];
    const repo = await store.createRepo({ ...input, files, date, title: "initial commit" });
    await record({ type: "createRepo", id: repo.id, private: input.private, date: date.toISOString() });
    return repo;
  }

  async function commit(request: CommitRequest, date: Date): Promise<Commit> {
    const repo = store.get(request.repoId);
    if (!repo) throw new HubRequestError(repoNotFound());
    const add: RepoFile[] = [];
    for (const op of request.operations) if (op.kind === "file" || op.kind === "lfsFile") add.push(await toRepoFile(repo, op));
    const made = await store.commit(repo.id, {
      branch: request.branch,
      ...(request.parentCommit ? { parentCommit: request.parentCommit } : {}),
      title: request.title,
      date,
      add,
      deleteFiles: request.operations.flatMap((op) => (op.kind === "deletedFile" ? [op.path] : [])),
      deleteFolders: request.operations.flatMap((op) => (op.kind === "deletedFolder" ? [op.path] : [])),
    });
    await record({ type: "commit", repoId: repo.id, branch: request.branch, title: request.title, date: date.toISOString(), operations: request.operations });
    return made;
  }

  async function createBranch(input: { repoId: string; branch: string; from: string; overwrite: boolean }): Promise<Commit> {
    const start = await store.createBranch(input.repoId, input.branch, input.from, input.overwrite);
    // The journal names the commit, not the revision, so a replay branches from the same place.
    await record({ ...input, type: "createBranch", from: start.id });
    return start;
  }

  return {
    objects,
    createRepo: (input) => createRepo(input, options.now()),
    commit: (request) => commit(request, options.now()),
    createBranch,
    lfsObjectSize,
    async replay() {
      if (!journal) return 0;
      const text = await readFile(journal, "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return "";
        throw error;
      });
      const lines = text.split("\n").filter(Boolean);
      // A kill in the middle of an append leaves a last line cut short: that write never answered, so it is dropped.
      if (lines.length > 0 && !isJson(lines.at(-1) as string)) lines.pop();
      replaying = true;
      try {
        for (const line of lines) {
          const entry = journalEntrySchema.parse(JSON.parse(line));
          if (entry.type === "createRepo") await createRepo(entry, new Date(entry.date));
          else if (entry.type === "commit") await commit(entry, new Date(entry.date));
          else await createBranch(entry);
        }
      } finally {
        replaying = false;
      }
      return lines.length;
    },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
