import { listFiles, modelInfo, type ListFileEntry } from "@huggingface/hub";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { CacheRoots } from "../convert/prepare-target";
import { WhetError } from "../errors";
import { isInside, realPathLenient } from "../fs/path-inside";
import { checkModel, type HealthReport } from "../health/check-model";
import { computeContentHash, hashFields } from "../workspace/content-hash";
import { newSentinel, updateSentinel, writeSentinel } from "../workspace/sentinel";
import type { HubAccess } from "./hub-access";
import { toHubError } from "./hub-error";
import { downloadVerified } from "./download-verified";
import { parseRepoSpec } from "./repo-spec";

export interface CloneProgress {
  phase: "resolving" | "downloading" | "health-check";
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}

export interface CloneParams extends HubAccess {
  /** `org/name[@revision]` */
  spec: string;
  target: string;
  roots: CacheRoots;
  skipHealth?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: CloneProgress) => void;
}

export interface CloneResult {
  repoId: string;
  revision: string;
  commit: string;
  target: string;
  files: number;
  bytes: number;
  health: HealthReport | null;
  contentHash: string | null;
}

async function checkTarget(target: string, roots: CacheRoots): Promise<string> {
  const dst = await realPathLenient(target);
  for (const root of [roots.hubCache, roots.hfHome]) {
    if (isInside(dst, await realPathLenient(root))) {
      throw new WhetError("target_in_cache", `Target path is in HF cache (read-only): ${dst}`, "Clone into a workspace folder outside the cache, or use `whet pull` to fill the cache.");
    }
  }
  const existing = await stat(dst).catch(() => null);
  if (existing && !existing.isDirectory()) {
    throw new WhetError("target_not_directory", `Target '${dst}' exists but is not a directory`, "Choose a new folder name for the workspace.");
  }
  if (existing && (await readdir(dst)).length > 0) {
    throw new WhetError("target_not_empty", `Target directory '${dst}' is not empty`, "Choose a new folder, or empty this one first.");
  }
  return dst;
}

/** Repository paths must stay inside the workspace. */
function safePath(path: string): string {
  const clean = normalize(path);
  if (clean.startsWith("..") || clean.startsWith("/") || clean.includes("\0")) {
    throw new WhetError("unsafe_path", `The Hub listed an unsafe file path: ${path}`, "This repository cannot be cloned safely.");
  }
  return clean;
}

/**
 * `clone ORG/NAME[@REV] DST`: downloads a repository revision into a new managed
 * workspace (never into the user's HF cache). The sentinel is written first and
 * records the repository and the commit the revision resolved to; every file is
 * size- and hash-checked; a failed or cancelled clone removes what it wrote.
 */
export async function cloneRepo(params: CloneParams): Promise<CloneResult> {
  const { spec, roots, skipHealth = false, concurrency = 4, signal, onProgress, ...access } = params;
  const { repoId, revision } = parseRepoSpec(spec);
  const target = await checkTarget(params.target, roots);
  const progress: CloneProgress = { phase: "resolving", filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, currentFile: null };
  onProgress?.({ ...progress });

  let commit: string;
  const entries: ListFileEntry[] = [];
  try {
    const info = await modelInfo({ ...access, name: repoId, revision, additionalFields: ["sha"] });
    if (!info.sha) throw new WhetError("hub_error", `The Hub did not say which commit ${spec} is`, "Try again, or give a commit hash after '@'.");
    commit = info.sha;
    for await (const entry of listFiles({ ...access, repo: repoId, revision: commit, recursive: true })) {
      if (entry.type === "file") entries.push(entry);
    }
  } catch (error) {
    throw toHubError(error, spec, access.hubUrl);
  }

  const existed = await stat(target).then(() => true, () => false);
  await mkdir(target, { recursive: true });
  const cleanup = async () => {
    if (!existed) await rm(target, { recursive: true, force: true });
    else for (const name of await readdir(target)) await rm(join(target, name), { recursive: true, force: true });
  };
  try {
    await writeSentinel(
      target,
      newSentinel({ operation: "clone", sourceRepo: repoId, sourceRevision: commit, extra: { requested_revision: revision, clone_status: "cloning" } }),
    );
    progress.phase = "downloading";
    progress.filesTotal = entries.length;
    progress.bytesTotal = entries.reduce((n, e) => n + (e.lfs?.size ?? e.size), 0);
    onProgress?.({ ...progress });

    const queue = [...entries];
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        signal?.throwIfAborted();
        progress.currentFile = entry.path;
        await downloadVerified({
          ...access,
          repoId,
          commit,
          entry,
          to: join(target, safePath(entry.path)),
          ...(signal ? { signal } : {}),
          onBytes: (bytes) => {
            progress.bytesDone += bytes;
            onProgress?.({ ...progress });
          },
        });
        progress.filesDone++;
        onProgress?.({ ...progress });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(entries.length, 1)) }, worker));
  } catch (error) {
    await cleanup();
    if (signal?.aborted) throw new WhetError("cancelled", `Clone of ${spec} was cancelled; nothing was kept.`, "Run the clone again when you are ready.");
    throw toHubError(error, spec, access.hubUrl);
  }

  let health: HealthReport | null = null;
  if (!skipHealth) {
    progress.phase = "health-check";
    onProgress?.({ ...progress });
    health = await checkModel(target);
  }
  const hash = await computeContentHash(target);
  await updateSentinel(target, {
    ...(hash ? hashFields(hash) : {}),
    clone_status: "complete",
    files: entries.length,
    bytes: progress.bytesTotal,
    ...(health ? { health: { status: health.healthy ? "healthy" : "unhealthy", reason: health.reason } } : {}),
  });
  return { repoId, revision, commit, target, files: entries.length, bytes: progress.bytesTotal, health, contentHash: hash?.contentHash ?? null };
}
