import { lstat, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { WhetError } from "../errors";
import { copyFileCow } from "../fs/copy-file-cow";
import { isInside, realPathLenient } from "../fs/path-inside";
import type { HealthReport } from "../health/check-model";
import { checkModel } from "../health/check-model";
import { hubAccessFrom } from "../hub/hub-access";
import { parseRepoSpec } from "../hub/repo-spec";
import { computeContentHash, hashFields } from "../workspace/content-hash";
import { newSentinel, readSentinel, SENTINEL_FILE, updateSentinel, writeSentinel, type Sentinel } from "../workspace/sentinel";
import { repoCache } from "../download/cache-layout";
import { ensureDiskSpace } from "../download/disk-space";
import { blobTasks, downloadBlobs } from "../download/download-blobs";
import { downloadTracker, type DownloadProgress, type DownloadTracker } from "../download/download-progress";
import { hashFile } from "../download/hash-file";
import { hubClient } from "../download/hub-client";
import { partialBytes, removePartial, type PartialPaths } from "../download/partial-file";
import { planDownload } from "../download/plan-download";
import { progressPump } from "../download/progress-pump";
import type { RepoFile } from "../download/repo-file";
import { DEFAULT_RETRY_POLICY } from "../download/retry-policy";
import { defineOperation, type OperationDeps } from "./operation";
import { DEFAULT_STALL_SECONDS, distinctBlobs, keepsPartials } from "./pull";

export const cloneInput = z.object({
  /** `org/name[@revision]` */
  repo: z.string().min(3).max(300),
  target: z.string().min(1).max(4096).refine(isAbsolute, "must be an absolute path"),
  skipHealth: z.boolean().optional(),
  /** Seconds without a byte before a request is aborted and resumed (default 30). */
  stallTimeoutSeconds: z.number().positive().max(3600).optional(),
});

export type CloneInput = z.infer<typeof cloneInput>;

export interface CloneResult {
  repoId: string;
  revision: string;
  commit: string;
  target: string;
  /** Files in the workspace (the repository's, less `skipped`). */
  files: number;
  bytes: number;
  /** Received over the network by this run. */
  bytesFetched: number;
  /** Copied (copy-on-write where the filesystem can) from the HF cache instead of downloaded. */
  bytesFromCache: number;
  /** Repository files not written: its own workspace sentinel, which would pose as ours. */
  skipped: string[];
  health: HealthReport | null;
  contentHash: string | null;
}

/** Where a clone keeps its partial downloads, inside the target so that nothing is written elsewhere. */
const STAGING = ".whet-clone";

interface Target {
  dir: string;
  /** An interrupted clone of the same repository is there: resume it. */
  interrupted: Sentinel | null;
  /** The folder existed (empty) before the first run: on failure it is emptied, not removed. */
  preexisting: boolean;
}

async function checkTarget(target: string, repoId: string, deps: OperationDeps): Promise<Target> {
  const dir = await realPathLenient(target);
  for (const root of [deps.config.hubCache, deps.config.hfHome]) {
    if (isInside(dir, await realPathLenient(root))) {
      throw new WhetError("target_in_cache", `Target path is in HF cache (read-only): ${dir}`, "Clone into a workspace folder outside the cache, or use `whet pull` to fill the cache.");
    }
  }
  const existing = await stat(dir).catch(() => null);
  if (!existing) return { dir, interrupted: null, preexisting: false };
  if (!existing.isDirectory()) {
    throw new WhetError("target_not_directory", `Target '${dir}' exists but is not a directory`, "Choose a new folder name for the workspace.");
  }
  const entries = await readdir(dir);
  if (entries.length === 0) return { dir, interrupted: null, preexisting: true };
  const sentinel = await readSentinel(dir);
  // A first run killed before its sentinel was in place leaves only Whetstone's own leftovers: start over there.
  if (!sentinel && entries.every((entry) => entry === STAGING || entry === `${SENTINEL_FILE}.tmp`)) {
    for (const entry of entries) await rm(join(dir, entry), { recursive: true, force: true });
    return { dir, interrupted: null, preexisting: true };
  }
  if (sentinel?.operation === "clone" && sentinel.clone_status === "cloning" && sentinel.source_repo === repoId) {
    return { dir, interrupted: sentinel, preexisting: sentinel.clone_target_preexisting === true };
  }
  throw new WhetError("target_not_empty", `Target directory '${dir}' is not empty`, "Choose a new folder, or empty this one first.");
}

async function emptyOrRemove(target: Target): Promise<void> {
  if (!target.preexisting) await rm(target.dir, { recursive: true, force: true });
  else for (const name of await readdir(target.dir).catch(() => [])) await rm(join(target.dir, name), { recursive: true, force: true });
}

/** A file already in the workspace from an interrupted run (files take their name only once verified). */
async function inPlace(path: string, size: number): Promise<boolean> {
  const info = await lstat(path).catch(() => null);
  return info?.isFile() === true && info.size === size;
}

async function cloneInto(input: CloneInput, deps: OperationDeps, tracker: DownloadTracker, changed: (force?: boolean) => void, target: Target): Promise<CloneResult> {
  const { repoId, revision } = parseRepoSpec(input.repo);
  const name = revision === "main" ? repoId : `${repoId}@${revision}`;
  const client = hubClient(hubAccessFrom(deps.config), deps.fetch);
  const stallMs = (input.stallTimeoutSeconds ?? DEFAULT_STALL_SECONDS) * 1000;
  const onRetry = () => {
    tracker.retry();
    changed();
  };
  const plan = await planDownload(client, { repoId, revision }, { signal: deps.signal, stallMs, now: deps.now, policy: DEFAULT_RETRY_POLICY, onRetry });
  const { commit } = plan;
  tracker.setCommit(commit);
  const skipped = plan.files.filter((f) => f.path === SENTINEL_FILE || f.path === STAGING || f.path.startsWith(`${STAGING}/`)).map((f) => f.path);
  const files = plan.files.filter((f) => !skipped.includes(f.path));
  const staging = join(target.dir, STAGING);
  const partialOf = (etag: string): PartialPaths => ({ data: join(staging, etag), record: join(staging, `${etag}.ranges`) });

  // An interrupted clone of another commit (the branch moved) starts over.
  if (target.interrupted && target.interrupted.source_revision !== commit) {
    for (const entry of await readdir(target.dir)) await rm(join(target.dir, entry), { recursive: true, force: true });
  }
  const complete = new Set<string>();
  const already = new Map<string, number>();
  for (const blob of distinctBlobs(files)) {
    const paths = files.filter((f) => f.etag === blob.etag);
    if ((await Promise.all(paths.map((f) => inPlace(join(target.dir, f.path), f.size)))).every(Boolean)) complete.add(blob.etag);
    else already.set(blob.etag, await partialBytes(partialOf(blob.etag), blob.etag, blob.size));
  }
  tracker.setFiles(files, already, complete);
  const pending = distinctBlobs(files).filter((b) => !complete.has(b.etag));
  await ensureDiskSpace(target.dir, pending.reduce((n, b) => n + b.size - (already.get(b.etag) ?? 0), 0), name);

  // Sentinel first: a folder with anything of ours in it says what it is.
  await mkdir(target.dir, { recursive: true });
  if (!target.interrupted || target.interrupted.source_revision !== commit) {
    await writeSentinel(
      target.dir,
      newSentinel({
        operation: "clone",
        sourceRepo: repoId,
        sourceRevision: commit,
        extra: { requested_revision: revision, clone_status: "cloning", ...(target.preexisting ? { clone_target_preexisting: true } : {}) },
      }),
    );
  }
  await mkdir(staging, { recursive: true });

  /** The verified content at `from` takes each of its paths: renamed to the first, copied to the others. */
  const place = async (blob: RepoFile, from: string) => {
    const [first, ...rest] = files.filter((f) => f.etag === blob.etag).map((f) => join(target.dir, f.path));
    await mkdir(dirname(first as string), { recursive: true });
    await rename(from, first as string);
    for (const path of rest) {
      await mkdir(dirname(path), { recursive: true });
      await rm(path, { force: true });
      await copyFileCow(first as string, path);
    }
    tracker.state(blob.etag, "done");
    changed();
  };

  tracker.setPhase("downloading");
  changed(true);
  const cache = repoCache(deps.config.hubCache, repoId);
  let bytesFromCache = 0;
  const toDownload: RepoFile[] = [];
  for (const blob of pending) {
    deps.signal.throwIfAborted();
    const cached = await stat(cache.blob(blob.etag)).catch(() => null);
    if (cached?.isFile() && cached.size === blob.size) {
      const copy = partialOf(blob.etag);
      await removePartial(copy);
      tracker.state(blob.etag, "verifying");
      changed();
      await copyFileCow(cache.blob(blob.etag), copy.data);
      if ((await hashFile(copy.data, blob.algorithm, blob.size, deps.signal)) === blob.etag) {
        await place(blob, copy.data);
        bytesFromCache += blob.size;
        continue;
      }
      await removePartial(copy);
    }
    toDownload.push(blob);
  }

  const tasks = blobTasks(client, repoId, commit, toDownload, partialOf);
  await downloadBlobs({
    client,
    tasks,
    signal: deps.signal,
    now: deps.now,
    spec: name,
    stallMs,
    events: {
      ...tracker.events(changed),
      retry: onRetry,
      finish: (task) => place(toDownload.find((b) => b.etag === task.etag) as RepoFile, task.partial.data),
    },
  });
  await rm(staging, { recursive: true, force: true });

  const bytes = files.reduce((n, f) => n + f.size, 0);
  const hash = await computeContentHash(target.dir);
  await updateSentinel(target.dir, { ...(hash ? hashFields(hash) : {}), clone_status: "complete", files: files.length, bytes });
  let health: HealthReport | null = null;
  if (!input.skipHealth) {
    tracker.setPhase("health-check");
    changed(true);
    health = await checkModel(target.dir, repoId);
    await updateSentinel(target.dir, { health: { status: health.healthy ? "healthy" : "unhealthy", reason: health.reason } });
  }
  return { repoId, revision, commit, target: target.dir, files: files.length, bytes, bytesFetched: tracker.received, bytesFromCache, skipped, health, contentHash: hash?.contentHash ?? null };
}

/**
 * `whet clone ORG/NAME[@REV] DIR`: a repository revision into a new managed
 * workspace (never into the HF cache) on the pull downloader. Files already in
 * the HF cache at that commit are copied from it (copy-on-write where the
 * filesystem can) and verified; only the rest is downloaded. The sentinel is
 * written first with clone_status "cloning", and says "complete" only at the
 * end. Paused or shut down, the workspace stays (marked cloning, which health
 * reports as incomplete) and the same input resumes it; cancelled or failed, it
 * is removed (emptied when it existed before), after every download stopped.
 */
export const cloneOperation = defineOperation({
  kind: "clone",
  queue: "downloads",
  resumable: true,
  input: cloneInput,
  title: (input: CloneInput) => `Clone ${input.repo} → ${basename(input.target)}`,
  key: (input: CloneInput) => `clone:${input.target}`,
  workspaceOf: (result: CloneResult) => result.target,
  run(input: CloneInput, deps: OperationDeps): AsyncGenerator<DownloadProgress, CloneResult> {
    const tracker = downloadTracker(input.repo.split("@")[0] as string, "resolving", deps.now);
    const pump = progressPump(tracker.snapshot, deps.now);
    const work = (async () => {
      const target = await checkTarget(input.target, parseRepoSpec(input.repo).repoId, deps);
      try {
        return await cloneInto(input, deps, tracker, pump.changed, target);
      } catch (error) {
        const failure = await cloneFailure(error, input, deps.signal, target);
        if (failure instanceof WhetError && failure.code === "interrupted") tracker.interrupt();
        else tracker.fail(failure.message);
        throw failure;
      }
    })();
    return pump.run(work);
  },
});

async function cloneFailure(error: unknown, input: CloneInput, signal: AbortSignal, target: Target): Promise<Error> {
  if (signal.aborted && keepsPartials(signal.reason)) {
    // Nothing was created before the target was checked and the listing read: then there is nothing to keep.
    if (!(await readSentinel(target.dir))) await emptyOrRemove(target);
    return new WhetError(
      "interrupted",
      `Clone of ${input.repo} ${signal.reason === "pause" ? "paused" : "interrupted"}; ${target.dir} is kept, marked as an incomplete clone.`,
      "Resume with the same command: it continues from the files and bytes already there.",
      { reason: signal.reason },
    );
  }
  await emptyOrRemove(target);
  if (signal.aborted) return new WhetError("cancelled", `Clone of ${input.repo} was cancelled; nothing was kept.`, "Run the clone again when you are ready.");
  return error instanceof Error ? error : new Error(String(error));
}
