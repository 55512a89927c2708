import type { FileDigests } from "./hash-file";
import type { LocalFile } from "./list-push-files";
import type { RemoteFile } from "./remote-state";

export type HashedFile = LocalFile & FileDigests;

export interface WorkspaceDiff {
  added: HashedFile[];
  modified: HashedFile[];
  deleted: { path: string; size: number }[];
  unchanged: HashedFile[];
}

/** Hub metadata every repo starts with; a workspace without one keeps the repo's (it decides what goes through LFS). */
const KEPT_REMOTE = new Set([".gitattributes"]);

/**
 * Local files against the remote tree, by content: an LFS file is unchanged
 * when its sha256 is the tree's `lfs.oid`, a regular file when its git blob
 * sha1 is the tree's `oid` — never by size or date. Remote files the
 * workspace does not have are deleted, except `.gitattributes`.
 */
export function diffWorkspace(local: readonly HashedFile[], remote: ReadonlyMap<string, RemoteFile>): WorkspaceDiff {
  const diff: WorkspaceDiff = { added: [], modified: [], deleted: [], unchanged: [] };
  const seen = new Set<string>();
  for (const file of local) {
    seen.add(file.path);
    const there = remote.get(file.path);
    if (!there) diff.added.push(file);
    else if (there.lfsOid ? there.lfsOid === file.sha256 : there.oid === file.blobOid) diff.unchanged.push(file);
    else diff.modified.push(file);
  }
  for (const [path, file] of remote) {
    if (!seen.has(path) && !KEPT_REMOTE.has(path)) diff.deleted.push({ path, size: file.size });
  }
  diff.deleted.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return diff;
}
