import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const HOSTILE_CACHE_COMMITS = { a: "a".repeat(40), b: "b".repeat(40) } as const;

/**
 * An HF cache laid out as huggingface_hub lays it out (issue #10 finding 5):
 * `acme/tiny` at two revisions sharing one blob, where revision A's snapshot
 * also links outside the cache (absolute, and relative climbing out) and into
 * another repo's blobs. Deleting A may remove only `blobs/only-a`.
 */
export async function makeHostileCache(root: string) {
  const { a: A, b: B } = HOSTILE_CACHE_COMMITS;
  const hubCache = join(root, "hub");
  const repo = join(hubCache, "models--acme--tiny");
  const other = join(hubCache, "models--acme--other");
  const outside = [join(root, "precious.txt"), join(root, "precious-2.txt"), join(other, "blobs", "theirs")];
  await mkdir(join(repo, "blobs"), { recursive: true });
  await mkdir(join(repo, "refs"), { recursive: true });
  await mkdir(join(other, "blobs"), { recursive: true });
  await mkdir(join(other, "snapshots", A), { recursive: true });
  for (const file of outside) await writeFile(file, `not acme/tiny's: ${file}`);
  await symlink("../../blobs/theirs", join(other, "snapshots", A, "config.json"));
  await writeFile(join(repo, "blobs", "shared"), "{}");
  await writeFile(join(repo, "blobs", "only-a"), "weights of A");
  for (const commit of [A, B]) {
    await mkdir(join(repo, "snapshots", commit), { recursive: true });
    await symlink("../../blobs/shared", join(repo, "snapshots", commit, "config.json"));
  }
  const snapshotA = join(repo, "snapshots", A);
  await symlink("../../blobs/only-a", join(snapshotA, "model.safetensors"));
  await symlink(join(root, "precious.txt"), join(snapshotA, "absolute.txt"));
  await symlink("../../../../precious-2.txt", join(snapshotA, "relative.txt"));
  await symlink("../../../models--acme--other/blobs/theirs", join(snapshotA, "borrowed.json"));
  await writeFile(join(repo, "refs", "main"), B);
  await writeFile(join(repo, "refs", "v1"), A);
  return { hubCache, repo, other, outside };
}
