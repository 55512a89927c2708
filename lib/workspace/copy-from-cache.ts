import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { copyModelFiles, listModelFiles } from "../convert/copy-model-files";
import { WhetError } from "../errors";
import { computeContentHash, hashFields } from "./content-hash";
import { newSentinel, updateSentinel, writeSentinel } from "./sentinel";

/**
 * A model in the HF cache copied into a new managed workspace, offline:
 * copy-on-write where the filesystem can, the sentinel first (clone_status
 * "cloning" until the last file is in), the cache only read.
 */
export async function copyFromCache(params: { snapshot: string; repoId: string; commit: string; target: string; signal?: AbortSignal; onFile?: () => void }): Promise<{ files: number }> {
  const { snapshot, repoId, commit, target, signal } = params;
  const existing = await stat(target).catch(() => null);
  if (existing && (!existing.isDirectory() || (await readdir(target)).length > 0)) {
    throw new WhetError("target_not_empty", `Target directory not empty: ${target}`, "Choose a new workspace name.");
  }
  const files = await listModelFiles(snapshot);
  await mkdir(target, { recursive: true });
  try {
    await writeSentinel(target, newSentinel({ operation: "clone", sourceRepo: repoId, sourceRevision: commit, extra: { clone_status: "cloning", cloned_from: "hf-cache" } }));
    await copyModelFiles(snapshot, target, files, signal, params.onFile);
    const hash = await computeContentHash(target);
    await updateSentinel(target, { ...(hash ? hashFields(hash) : {}), clone_status: "complete", files: files.length });
  } catch (error) {
    await rm(target, { recursive: true, force: true });
    throw error;
  }
  return { files: files.length };
}
