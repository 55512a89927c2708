import { mkdir, rename, stat } from "node:fs/promises";
import { z } from "zod";
import { WhetError } from "../errors";
import { formatBytes } from "../format/format-bytes";
import { checkModel } from "../health/check-model";
import { hubAccessFrom } from "../hub/hub-access";
import { parseRepoSpec } from "../hub/repo-spec";
import { linkSnapshotFile, repoCache, writeRef } from "../download/cache-layout";
import { ensureDiskSpace } from "../download/disk-space";
import { blobTasks, downloadBlobs, type BlobTask } from "../download/download-blobs";
import { downloadTracker, type DownloadProgress, type DownloadTracker } from "../download/download-progress";
import { hubClient } from "../download/hub-client";
import { partialBytes, removePartial } from "../download/partial-file";
import { planDownload } from "../download/plan-download";
import { progressPump } from "../download/progress-pump";
import type { RepoFile } from "../download/repo-file";
import { DEFAULT_RETRY_POLICY } from "../download/retry-policy";
import { defineOperation, type OperationDeps } from "./operation";

import { cleanPartials } from "../cache/clean-partials";

export { cleanPartials, type RemovedPartial } from "../cache/clean-partials";
export type { DownloadProgress, FileProgress } from "../download/download-progress";

const patterns = z.array(z.string().min(1).max(512)).max(64);

export const pullInput = z.object({
  /** `org/name[@revision]` */
  repo: z.string().min(3).max(300),
  include: patterns.optional(),
  exclude: patterns.optional(),
  /** Seconds without a byte before a request is aborted and resumed (default 30). */
  stallTimeoutSeconds: z.number().positive().max(3600).optional(),
});

export type PullInput = z.infer<typeof pullInput>;

export interface HealthSummary {
  healthy: boolean;
  reason: string;
  findings: { id: string; severity: string; message: string }[];
}

export interface PullResult {
  repoId: string;
  revision: string;
  commit: string;
  /** Files in the snapshot (after include/exclude). */
  files: number;
  /** Their total size. */
  bytes: number;
  /** Bytes received over the network by this run. */
  bytesFetched: number;
  snapshotPath: string;
  health: HealthSummary | null;
}

export const DEFAULT_STALL_SECONDS = 30;

/** One entry per distinct content: files that share a blob download it once. */
export function distinctBlobs(files: readonly RepoFile[]): RepoFile[] {
  const seen = new Map<string, RepoFile>();
  for (const f of files) if (!seen.has(f.etag)) seen.set(f.etag, f);
  return [...seen.values()];
}

export async function healthSummary(dir: string, name: string): Promise<HealthSummary> {
  const report = await checkModel(dir, name);
  return { healthy: report.healthy, reason: report.reason, findings: report.findings.map((f) => ({ id: f.id, severity: f.severity, message: f.message })) };
}

/** What a signal's reason means for partials: "pause" and "shutdown" keep them for a resume, anything else is a cancel. */
export function keepsPartials(reason: unknown): boolean {
  return reason === "pause" || reason === "shutdown";
}

async function pullToCache(input: PullInput, deps: OperationDeps, tracker: DownloadTracker, changed: (force?: boolean) => void, started: BlobTask[]): Promise<PullResult> {
  const { repoId, revision } = parseRepoSpec(input.repo);
  const name = revision === "main" ? repoId : `${repoId}@${revision}`;
  const client = hubClient(hubAccessFrom(deps.config), deps.fetch);
  const stallMs = (input.stallTimeoutSeconds ?? DEFAULT_STALL_SECONDS) * 1000;
  const onRetry = () => {
    tracker.retry();
    changed();
  };
  const call = { signal: deps.signal, stallMs, now: deps.now, policy: DEFAULT_RETRY_POLICY, onRetry };
  const plan = await planDownload(client, { repoId, revision }, { ...call, ...(input.include ? { include: input.include } : {}), ...(input.exclude ? { exclude: input.exclude } : {}) });
  const { commit } = plan;
  tracker.setCommit(commit);

  const cache = repoCache(deps.config.hubCache, repoId);
  const complete = new Set<string>();
  const already = new Map<string, number>();
  const missing: RepoFile[] = [];
  for (const blob of distinctBlobs(plan.files)) {
    const info = await stat(cache.blob(blob.etag)).catch(() => null);
    if (info?.isFile() && info.size === blob.size) complete.add(blob.etag);
    else {
      already.set(blob.etag, await partialBytes(cache.partial(blob.etag), blob.etag, blob.size));
      missing.push(blob);
    }
  }
  tracker.setFiles(plan.files, already, complete);
  const remaining = missing.reduce((n, b) => n + b.size - (already.get(b.etag) ?? 0), 0);
  await ensureDiskSpace(deps.config.hubCache, remaining, name);

  await mkdir(cache.blobs, { recursive: true });
  await mkdir(cache.snapshot(commit), { recursive: true });
  const pathsOf = (etag: string) => plan.files.filter((f) => f.etag === etag).map((f) => f.path);
  for (const file of plan.files) if (complete.has(file.etag)) await linkSnapshotFile(cache, commit, file.path, file.etag);

  tracker.setPhase("downloading");
  changed(true);
  const tasks = blobTasks(client, repoId, commit, missing, (etag) => cache.partial(etag));
  started.push(...tasks);
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
      finish: async (task) => {
        await rename(task.partial.data, cache.blob(task.etag));
        for (const path of pathsOf(task.etag)) await linkSnapshotFile(cache, commit, path, task.etag);
        tracker.state(task.etag, "done");
        changed();
      },
    },
  });
  if (revision !== commit) await writeRef(cache, revision, commit);

  tracker.setPhase("health-check");
  changed(true);
  const snapshotPath = cache.snapshot(commit);
  const health = plan.files.length > 0 ? await healthSummary(snapshotPath, repoId) : null;
  return {
    repoId,
    revision,
    commit,
    files: plan.files.length,
    bytes: plan.files.reduce((n, f) => n + f.size, 0),
    bytesFetched: tracker.received,
    snapshotPath,
    health,
  };
}

/**
 * `whet pull ORG/NAME[@REV]`: a repository revision into the HF cache, laid out
 * exactly as huggingface_hub does (blobs by etag, relative snapshot links, refs),
 * every blob verified before it appears. Interrupted by "pause" or "shutdown"
 * it keeps its partial files, and the same input later resumes them; a cancel
 * removes them.
 */
export const pullOperation = defineOperation({
  kind: "pull",
  queue: "downloads",
  resumable: true,
  input: pullInput,
  title: (input: PullInput) => `Pull ${input.repo}`,
  key: (input: PullInput) => `pull:${input.repo}:${JSON.stringify([input.include ?? null, input.exclude ?? null])}`,
  // A paused or interrupted pull that is cancelled leaves no partial downloads of its repo behind.
  async discard(input: PullInput, config) {
    await cleanPartials(config.hubCache, parseRepoSpec(input.repo).repoId);
  },
  run(input: PullInput, deps: OperationDeps): AsyncGenerator<DownloadProgress, PullResult> {
    const tracker = downloadTracker(input.repo.split("@")[0] as string, "resolving", deps.now);
    const pump = progressPump(tracker.snapshot, deps.now);
    const started: BlobTask[] = [];
    const work = pullToCache(input, deps, tracker, pump.changed, started).catch(async (error: unknown) => {
      const failure = await pullFailure(error, input.repo, deps.signal, started, tracker.received);
      if (failure instanceof WhetError && failure.code === "interrupted") tracker.interrupt();
      else tracker.fail(failure.message);
      throw failure;
    });
    return pump.run(work);
  },
});

async function pullFailure(error: unknown, repo: string, signal: AbortSignal, started: readonly BlobTask[], received: number): Promise<Error> {
  if (!signal.aborted) return error instanceof Error ? error : new Error(String(error));
  if (keepsPartials(signal.reason)) {
    return new WhetError(
      "interrupted",
      `Pull of ${repo} ${signal.reason === "pause" ? "paused" : "interrupted"}; the partial download is kept (${formatBytes(received, " ")} received in this run).`,
      "Resume with the same command: it continues from the bytes already on disk.",
      { reason: signal.reason },
    );
  }
  for (const task of started) await removePartial(task.partial);
  return new WhetError("cancelled", `Pull of ${repo} was cancelled; its partial downloads were removed.`, "Start it again when you are ready.");
}
