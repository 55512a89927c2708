import { gitCommitOid, gitTreeOid, type TreeEntry } from "./git-objects";
import type { RepoFile } from "./read-folder-files";

export interface RepoDirectory {
  type: "directory";
  path: string;
  /** Git tree sha1 of the folder. */
  oid: string;
}

export type RepoEntry = RepoFile | RepoDirectory;

/** The `lastCommit` object of the tree and paths-info APIs. */
export interface CommitSummary {
  id: string;
  title: string;
  /** ISO date. */
  date: string;
}

export interface Commit extends CommitSummary {
  parent: string | null;
  /** Every file and folder (not the root), keyed and ordered by path. */
  entries: Map<string, RepoEntry>;
  /** For each path, the commit that last changed it: what the Hub reports, not the commit being viewed. */
  lastCommit: Map<string, CommitSummary>;
}

export interface CommitInput {
  files: readonly RepoFile[];
  parent: Commit | null;
  date: Date;
  title: string;
}

/** Builds a real git commit (trees and all) over the files, chained to its parent. */
export function buildCommit({ files, parent, date, title }: CommitInput): Commit {
  const children = new Map<string, TreeEntry[]>([["", []]]);
  const directories = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join("/");
      if (!children.has(dir)) children.set(dir, []);
      directories.add(dir);
    }
    children.get(parentOf(file.path))?.push({ name: baseOf(file.path), kind: "file", oid: file.oid });
  }

  // Deepest folders first, so each tree's subtrees already have their oids.
  const dirOids = new Map<string, string>();
  const byDepth = [...directories].sort((a, b) => b.split("/").length - a.split("/").length);
  for (const dir of byDepth) {
    const oid = gitTreeOid(children.get(dir) ?? []);
    dirOids.set(dir, oid);
    children.get(parentOf(dir))?.push({ name: baseOf(dir), kind: "directory", oid });
  }
  const rootTree = gitTreeOid(children.get("") ?? []);

  const id = gitCommitOid({ tree: rootTree, parent: parent?.id ?? null, date, message: title });
  const summary: CommitSummary = { id, title, date: date.toISOString() };

  const entries: RepoEntry[] = [
    ...files,
    ...[...dirOids].map(([path, oid]): RepoDirectory => ({ type: "directory", path, oid })),
  ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const lastCommit = new Map<string, CommitSummary>();
  for (const entry of entries) {
    const before = parent?.entries.get(entry.path);
    const unchanged = before && before.type === entry.type && before.oid === entry.oid;
    lastCommit.set(entry.path, (unchanged && parent?.lastCommit.get(entry.path)) || summary);
  }

  return { ...summary, parent: parent?.id ?? null, entries: new Map(entries.map((e) => [e.path, e])), lastCommit };
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

function baseOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
