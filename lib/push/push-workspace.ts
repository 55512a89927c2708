import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { commitIter, createBranch, createRepo, type CommitOperation } from "@huggingface/hub";
import { WhetError } from "../errors";
import { checkModel } from "../health/check-model";
import type { Finding } from "../health/finding";
import { hubAccessFrom } from "../hub/hub-access";
import type { OperationDeps } from "../operations/operation";
import { readSentinel, sentinelTimestamp, updateSentinel } from "../workspace/sentinel";
import { diffWorkspace, type HashedFile, type WorkspaceDiff } from "./diff-workspace";
import { hashFile } from "./hash-file";
import { listPushFiles, type ExcludedFile } from "./list-push-files";
import { BUILTIN_EXCLUSIONS, readHfignore } from "./push-exclusions";
import { toPushError } from "./push-errors";
import { pushFetch } from "./push-fetch";
import type { PushInput } from "./push-input";
import { createPushProgress, type PushFileProgress, type PushProgress } from "./push-progress";
import { readRemoteState, type RemoteState, type RemoteTree } from "./remote-state";
import { missingLfsObjects, uploadModes } from "./upload-plan";

export interface ChangeCounts {
  added: number;
  modified: number;
  deleted: number;
}

export interface PushedChange {
  path: string;
  change: "added" | "modified" | "deleted";
  size: number;
  /** Sent through LFS; null when not known (a repo that does not exist yet). */
  lfs: boolean | null;
  /** Bytes this push sends for it: 0 for deletions and for large files the Hub already holds. */
  upload_bytes: number;
}

export interface PushHealth {
  healthy: boolean;
  reason: string;
  /** Findings that block loading: the gate refuses a push with any, unless forced. */
  blocking: { id: string; message: string; hint: string }[];
  findings_count: number;
  /** The push went ahead despite blocking findings. */
  forced: boolean;
  /** A push (not a dry run) would be refused without --force. */
  would_refuse: boolean;
}

/** mlx-knife's push fields (JSON API 0.2.x names), plus Whetstone's honest diff, sizes and health verdict. */
export interface PushResult {
  repo_id: string;
  branch: string;
  repo_url: string;
  workspace: string;
  commit_sha: string | null;
  commit_url: string | null;
  created_repo: boolean;
  created_branch: boolean;
  no_changes: boolean;
  dry_run: boolean;
  check_only: boolean;
  would_create_repo: boolean;
  would_create_branch: boolean;
  /** The repo's visibility: after creation, or as the Hub reports it; null when unknown. */
  private: boolean | null;
  uploaded_files_count: number;
  local_files_count: number;
  change_summary: ChangeCounts;
  dry_run_summary: ChangeCounts | null;
  added_files: string[];
  modified_files: string[];
  deleted_files: string[];
  changes: PushedChange[];
  excluded_files: ExcludedFile[];
  /** Bytes of the files pushed (the workspace minus what is not pushed). */
  total_bytes: number;
  /** Bytes a push sends (changed regular files, and changed large files the Hub lacks). */
  bytes_to_upload: number;
  bytes_uploaded: number;
  health: PushHealth;
  sentinel_updated: boolean;
  message: string;
}

const DEFAULT_MESSAGE = "Upload model with whet push";

/**
 * Publishes a workspace to a Hub model repo as one commit: every file not
 * excluded, compared by content with the branch's files, so only what changed
 * is sent and remote files the workspace lacks are deleted. Refused when a
 * health finding blocks loading unless forced. A no-op push makes no commit.
 * Killed and run again, it sends none of the large files the Hub already
 * stored (the LFS batch API says which). The token goes only to the Hub.
 */
export async function pushWorkspace(input: PushInput, deps: OperationDeps, report: (progress: PushProgress) => void): Promise<PushResult> {
  const workspace = resolve(input.workspace);
  const repo = input.repo;
  const branch = input.branch ?? "main";
  const access = hubAccessFrom(deps.config);
  const progress = createPushProgress(deps.now, report);
  const dryRun = input.dryRun === true;
  const checkOnly = input.checkOnly === true;

  if (!(await stat(workspace).catch(() => null))?.isDirectory()) {
    throw new WhetError("workspace_not_found", `Workspace not found or not a directory: ${workspace}`, "Give the workspace's name or folder (see `whet list`).");
  }
  if (!checkOnly && !access.accessToken) {
    throw new WhetError("push_needs_token", "Pushing needs a Hub token with write access", "Set HF_TOKEN to a token with write access, then push again.");
  }

  progress.step("checking", "health check");
  const report_ = await checkModel(workspace);
  const blocking = report_.findings.filter((f) => f.severity === "blocks-loading");
  const health: PushHealth = {
    healthy: report_.healthy,
    reason: report_.reason,
    blocking: blocking.map((f) => ({ id: f.id, message: f.message, hint: f.hint })),
    findings_count: report_.findings.length,
    forced: blocking.length > 0 && input.force === true && !dryRun && !checkOnly,
    would_refuse: blocking.length > 0 && input.force !== true,
  };

  progress.step("listing");
  const { files, excluded } = await listPushFiles(workspace, [...BUILTIN_EXCLUSIONS, ...(await readHfignore(workspace))]);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const base = {
    repo_id: repo,
    branch,
    repo_url: `${access.hubUrl}/${repo}`,
    workspace,
    dry_run: dryRun,
    check_only: checkOnly,
    local_files_count: files.length,
    excluded_files: excluded,
    total_bytes: totalBytes,
    health,
  };
  if (checkOnly) {
    return finish(progress, {
      ...base,
      ...emptyOutcome(),
      message: health.would_refuse ? `Check-only: ${blocking.length} finding(s) block loading; a push would be refused.` : "Check-only: no upload performed.",
    });
  }
  if (health.would_refuse && !dryRun) throw unhealthy(workspace, blocking);

  const fetch = pushFetch({ hubUrl: access.hubUrl, fetch: deps.fetch, signal: deps.signal, onUploadBytes: (path, bytes) => progress.add(bytes, path) });
  const call = { fetch, hubUrl: access.hubUrl, repo, branch, ...(access.accessToken ? { accessToken: access.accessToken } : {}) };
  const fail = (error: unknown) => toPushError(error, { repo, branch, hubUrl: access.hubUrl, signal: deps.signal });

  try {
    progress.step("comparing", `${repo}@${branch}`);
    let remote = await readRemoteState(call);
    let createdRepo = false;
    let createdBranch = false;
    if (remote.kind === "missing-repo" && !dryRun) {
      if (!input.create) throw new WhetError("repo_not_found", `Repository not found: ${repo}`, "Add --create to create it (it is private unless --public).");
      await createRepo({ repo, hubUrl: access.hubUrl, accessToken: access.accessToken as string, fetch, visibility: input.public ? "public" : "private" });
      createdRepo = true;
      remote = await readRemoteState(call);
    }
    if (remote.kind === "missing-branch" && !dryRun) {
      if (!input.create) throw new WhetError("branch_not_found", `Branch ${branch} does not exist in ${repo}`, "Add --create to create it from main.");
      await createBranch({ repo, branch, revision: remote.base.commit, hubUrl: access.hubUrl, accessToken: access.accessToken as string, fetch });
      createdBranch = true;
      remote = await readRemoteState(call);
    }
    const tree = treeOf(remote);
    // Asked before anything is hashed or sent: the Hub answers preupload only to callers that may write.
    const modes = tree ? await uploadModes(call, remote.kind === "ready" ? branch : "main", files) : null;

    progress.bytes("hashing", totalBytes, `${files.length} files`);
    const hashed: HashedFile[] = [];
    for (const file of files) hashed.push({ ...file, ...(await hashFile(file.absPath, file.size, { signal: deps.signal, onBytes: (n) => progress.add(n) })) });
    const diff = diffWorkspace(hashed, tree?.files ?? new Map());
    const changed = [...diff.added, ...diff.modified];
    const lfsChanged = modes ? changed.filter((f) => modes.get(f.path) === "lfs") : [];
    const missing = modes ? await missingLfsObjects(call, unique(lfsChanged)) : null;
    const uploadBytes = (f: HashedFile) => (!modes || modes.get(f.path) !== "lfs" || missing?.has(f.sha256) ? f.size : 0);
    const changes = describeChanges(diff, modes, uploadBytes);
    const bytesToUpload = changes.reduce((n, c) => n + c.upload_bytes, 0);
    const counts = { added: diff.added.length, modified: diff.modified.length, deleted: diff.deleted.length };
    const outcome = {
      ...base,
      ...emptyOutcome(),
      created_repo: createdRepo,
      created_branch: createdBranch,
      would_create_repo: dryRun && remote.kind === "missing-repo",
      would_create_branch: dryRun && remote.kind === "missing-branch",
      private: createdRepo ? !input.public : (tree?.private ?? null),
      added_files: diff.added.map((f) => f.path),
      modified_files: diff.modified.map((f) => f.path),
      deleted_files: diff.deleted.map((f) => f.path),
      changes,
      bytes_to_upload: bytesToUpload,
    };
    const nothing = changed.length === 0 && diff.deleted.length === 0;

    if (dryRun) {
      const what = remote.kind === "missing-repo" ? "repository does not exist; would create it and add all files" : nothing ? "no changes" : summary(counts);
      return finish(progress, {
        ...outcome,
        no_changes: nothing && remote.kind === "ready",
        change_summary: counts,
        dry_run_summary: counts,
        message: `Dry-run: ${what}.`,
      });
    }
    if (nothing) {
      const sentinel = await recordPush(workspace, { repo, branch, commit: tree?.commit ?? null, url: `${access.hubUrl}/${repo}` });
      return finish(progress, { ...outcome, no_changes: true, commit_sha: null, sentinel_updated: sentinel, message: "No files changed; skipped empty commit." });
    }

    const sent: PushFileProgress[] = changes
      .filter((c) => c.change !== "deleted")
      .map((c) => ({ path: c.path, size: c.size, done: 0, lfs: c.lfs === true, state: c.lfs && c.upload_bytes === 0 ? "stored" : "waiting" }));
    progress.track(sent);
    progress.bytes("uploading", bytesToUpload, `${sent.length} files`);
    const operations: CommitOperation[] = [
      ...(await Promise.all(changed.map(async (f) => ({ operation: "addOrUpdate" as const, path: f.path, content: await openAsBlob(f.absPath) })))),
      ...diff.deleted.map((f) => ({ operation: "delete" as const, path: f.path })),
    ];
    const title = health.forced ? `${input.message ?? DEFAULT_MESSAGE} [forced past the health check]` : (input.message ?? DEFAULT_MESSAGE);
    const iterator = commitIter({
      repo,
      operations,
      title,
      ...(health.forced ? { description: forcedDescription(blocking) } : {}),
      branch,
      ...(tree ? { parentCommit: tree.commit } : {}),
      hubUrl: access.hubUrl,
      accessToken: access.accessToken as string,
      fetch,
      abortSignal: deps.signal,
      useXet: false,
    });
    let step = await iterator.next();
    while (!step.done) {
      const event = step.value;
      if (event.event === "phase" && event.phase === "committing") {
        // Regular files travel inside the commit itself.
        for (const file of sent) if (!file.lfs) progress.add(file.size, file.path);
        progress.step("committing", `${sent.length} files, ${diff.deleted.length} deletions`);
      }
      step = await iterator.next();
    }
    const commit = step.value?.commit;
    if (!commit) throw new WhetError("hub_bad_answer", `The Hub did not say which commit the push to ${repo} made`, "Check the repository on the Hub, then push again.");
    const sentinel = await recordPush(workspace, { repo, branch, commit: commit.oid, url: commit.url ?? `${access.hubUrl}/${repo}` });
    return finish(progress, {
      ...outcome,
      commit_sha: commit.oid,
      commit_url: commit.url ?? null,
      uploaded_files_count: changed.length,
      change_summary: counts,
      bytes_uploaded: bytesToUpload,
      sentinel_updated: sentinel,
      message: `Committed ${changed.length + diff.deleted.length} files (${summary(counts)}).${health.forced ? " Forced past the health check." : ""}`,
    });
  } catch (error) {
    throw fail(error);
  }
}

function emptyOutcome() {
  return {
    commit_sha: null as string | null,
    commit_url: null as string | null,
    created_repo: false,
    created_branch: false,
    no_changes: false,
    would_create_repo: false,
    would_create_branch: false,
    private: null as boolean | null,
    uploaded_files_count: 0,
    change_summary: { added: 0, modified: 0, deleted: 0 },
    dry_run_summary: null as ChangeCounts | null,
    added_files: [] as string[],
    modified_files: [] as string[],
    deleted_files: [] as string[],
    changes: [] as PushedChange[],
    bytes_to_upload: 0,
    bytes_uploaded: 0,
    sentinel_updated: false,
  };
}

function finish(progress: ReturnType<typeof createPushProgress>, result: PushResult): PushResult {
  progress.step("done");
  return result;
}

function treeOf(remote: RemoteState): RemoteTree | null {
  return remote.kind === "ready" ? remote.tree : remote.kind === "missing-branch" ? remote.base : null;
}

function unique(files: readonly HashedFile[]): { sha256: string; size: number }[] {
  return [...new Map(files.map((f) => [f.sha256, { sha256: f.sha256, size: f.size }])).values()];
}

function describeChanges(diff: WorkspaceDiff, modes: Map<string, "lfs" | "regular"> | null, uploadBytes: (f: HashedFile) => number): PushedChange[] {
  const lfs = (path: string) => (modes ? modes.get(path) === "lfs" : null);
  return [
    ...diff.added.map((f) => ({ path: f.path, change: "added" as const, size: f.size, lfs: lfs(f.path), upload_bytes: uploadBytes(f) })),
    ...diff.modified.map((f) => ({ path: f.path, change: "modified" as const, size: f.size, lfs: lfs(f.path), upload_bytes: uploadBytes(f) })),
    ...diff.deleted.map((f) => ({ path: f.path, change: "deleted" as const, size: f.size, lfs: null, upload_bytes: 0 })),
  ];
}

function summary(counts: ChangeCounts): string {
  return `+${counts.added} ~${counts.modified} -${counts.deleted}`;
}

function unhealthy(workspace: string, blocking: readonly Finding[]): WhetError {
  return new WhetError(
    "workspace_unhealthy",
    `${basename(workspace)} has ${blocking.length} finding(s) that block loading: ${blocking.map((f) => f.message).join("; ")}`,
    "Repair it first (see `whet health`), or push anyway with --force (the commit message will say so).",
    { findings: blocking.map((f) => ({ id: f.id, message: f.message, hint: f.hint })) },
  );
}

function forcedDescription(blocking: readonly Finding[]): string {
  return ["Pushed with --force although the health check found problems that block loading:", ...blocking.map((f) => `- ${f.id}: ${f.message}`)].join("\n");
}

/** Records in the workspace's sentinel where it was published and at which commit; unmanaged folders get none. */
async function recordPush(workspace: string, push: { repo: string; branch: string; commit: string | null; url: string }): Promise<boolean> {
  if (!push.commit || !(await readSentinel(workspace))) return false;
  await updateSentinel(workspace, {
    pushed_to: push.repo,
    pushed_branch: push.branch,
    pushed_commit: push.commit,
    pushed_url: push.url,
    pushed_at: sentinelTimestamp(),
  });
  return true;
}
