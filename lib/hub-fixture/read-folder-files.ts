import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { WhetError } from "../errors";
import { digestFile, gitBlobOid } from "./git-objects";
import { isLfsFile, lfsPointer } from "./lfs";

export interface LfsInfo {
  /** sha256 of the content. */
  oid: string;
  size: number;
  pointerSize: number;
}

/** A file as the Hub's tree API describes it, plus where its bytes live on disk. */
export interface RepoFile {
  type: "file";
  /** Posix path inside the repo. */
  path: string;
  absPath: string;
  size: number;
  /** Git blob sha1 of what git stores: the content, or the pointer text for LFS files. */
  oid: string;
  lfs?: LfsInfo;
}

/**
 * Every file under `dir`, recursively, sorted by path, hashed the way the Hub
 * would after a push. `.git/` is skipped: it is never part of a repo's tree.
 */
export async function readFolderFiles(dir: string): Promise<RepoFile[]> {
  const paths = await listFiles(dir, "");
  paths.sort();
  const files: RepoFile[] = [];
  for (const path of paths) {
    const absPath = join(dir, path);
    const { size } = await stat(absPath);
    const digests = await digestFile(absPath, size);
    if (isLfsFile(path, size)) {
      const pointer = lfsPointer(digests.sha256, size);
      files.push({
        type: "file",
        path,
        absPath,
        size,
        oid: gitBlobOid(pointer),
        lfs: { oid: digests.sha256, size, pointerSize: Buffer.byteLength(pointer) },
      });
    } else {
      files.push({ type: "file", path, absPath, size, oid: digests.blobOid });
    }
  }
  return files;
}

async function listFiles(root: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new WhetError(
      "hub_fixture_folder_unreadable",
      `Cannot read the repo folder ${join(root, prefix)} (${error.code ?? error.message})`,
      "Point the revision at an existing folder of model files.",
      { dir: root },
    );
  });
  const found: string[] = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (path !== ".git") found.push(...(await listFiles(root, path)));
    } else if (entry.isFile()) {
      found.push(path);
    } else if (entry.isSymbolicLink()) {
      // A linked file is served like a copy; a linked folder could loop, so it is left out.
      const target = await stat(join(root, path)).catch(() => null);
      if (target?.isFile()) found.push(path);
    }
  }
  return found;
}
