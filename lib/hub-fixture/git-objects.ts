import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/**
 * Git object ids exactly as git (and therefore the Hub) computes them, so the
 * oids the fixture serves are the ones `git hash-object` would print and the
 * cache blob names both clients derive from them are the real ones.
 */

/** sha1("blob <len>\0" + content): the tree API's `oid` and a regular file's ETag. */
export function gitBlobOid(content: Uint8Array | string): string {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

export interface FileDigests {
  size: number;
  /** Git blob sha1 of the content. */
  blobOid: string;
  /** Plain sha256 of the content: the LFS oid. */
  sha256: string;
}

/** Both digests in one pass over the file; `size` must be the file's current size. */
export async function digestFile(path: string, size: number): Promise<FileDigests> {
  const sha1 = createHash("sha1").update(`blob ${size}\0`);
  const sha256 = createHash("sha256");
  let read = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    sha1.update(chunk);
    sha256.update(chunk);
    read += chunk.byteLength;
  }
  if (read !== size) {
    throw new Error(`${path} changed size while it was hashed (${size} then ${read} bytes)`);
  }
  return { size, blobOid: sha1.digest("hex"), sha256: sha256.digest("hex") };
}

export interface TreeEntry {
  name: string;
  kind: "file" | "directory";
  oid: string;
}

/**
 * A git tree object's id. Git orders entries by name with directories compared
 * as if they ended in "/", which is why `a.txt` sorts before the directory `a`.
 */
export function gitTreeOid(entries: readonly TreeEntry[]): string {
  const sortKey = (e: TreeEntry) => (e.kind === "directory" ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(sortKey(a)), Buffer.from(sortKey(b))));
  const body = Buffer.concat(
    sorted.map((e) =>
      Buffer.concat([Buffer.from(`${e.kind === "directory" ? "40000" : "100644"} ${e.name}\0`), Buffer.from(e.oid, "hex")]),
    ),
  );
  return createHash("sha1").update(`tree ${body.byteLength}\0`).update(body).digest("hex");
}

export interface CommitObject {
  tree: string;
  parent: string | null;
  /** Author and committer time. */
  date: Date;
  message: string;
}

const COMMIT_AUTHOR = "Whetstone Hub fixture <fixture@whetstone.invalid>";

/** A git commit object's id; fixed author and time zone so equal inputs give equal commits. */
export function gitCommitOid(commit: CommitObject): string {
  const seconds = Math.floor(commit.date.getTime() / 1000);
  const lines = [`tree ${commit.tree}`];
  if (commit.parent) lines.push(`parent ${commit.parent}`);
  lines.push(`author ${COMMIT_AUTHOR} ${seconds} +0000`, `committer ${COMMIT_AUTHOR} ${seconds} +0000`, "", commit.message);
  const body = Buffer.from(`${lines.join("\n")}\n`);
  return createHash("sha1").update(`commit ${body.byteLength}\0`).update(body).digest("hex");
}
