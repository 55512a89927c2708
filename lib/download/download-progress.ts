import type { BaseProgress } from "../operations/operation";
import type { RepoFile } from "./repo-file";

export type FileState = "queued" | "downloading" | "verifying" | "done" | "failed";

export interface FileProgress {
  path: string;
  size: number;
  done: number;
  state: FileState;
  error?: string;
}

/** A download's progress snapshot (pull and clone): plain JSON, so the job store and the pages can keep it as is. */
export interface DownloadProgress extends BaseProgress {
  unit: "bytes";
  repoId: string;
  /** Null until the revision is resolved. */
  commit: string | null;
  files: FileProgress[];
  /** Over the last few seconds; 0 before any byte. */
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** Requests retried so far (dropped, reset, 5xx, 429, stalled). */
  retries: number;
}

const RATE_WINDOW_MS = 5_000;

/**
 * Keeps a download's progress: per file (paths that share a blob move
 * together), totals counting each blob once, the rate over a sliding window,
 * and the bytes actually received in this run.
 */
export function downloadTracker(repoId: string, phase: string, now: () => number) {
  const progress: DownloadProgress = { phase, done: 0, total: 0, unit: "bytes", repoId, commit: null, files: [], bytesPerSecond: 0, etaSeconds: null, retries: 0 };
  const byEtag = new Map<string, FileProgress[]>();
  const blobDone = new Map<string, number>();
  const blobSize = new Map<string, number>();
  const samples: { at: number; received: number }[] = [];
  let received = 0;

  const recount = () => {
    let done = 0;
    for (const [etag, bytes] of blobDone) done += Math.min(bytes, blobSize.get(etag) ?? 0);
    progress.done = done;
  };

  return {
    progress,
    /** Bytes received over the network in this run. */
    get received() {
      return received;
    },
    setCommit(commit: string) {
      progress.commit = commit;
    },
    /** The files to fetch; `already` gives bytes already on disk per etag (partials), `complete` the blobs already in place. */
    setFiles(files: readonly RepoFile[], already: ReadonlyMap<string, number>, complete: ReadonlySet<string>) {
      progress.files = files.map((f) =>
        complete.has(f.etag)
          ? { path: f.path, size: f.size, done: f.size, state: "done" }
          : { path: f.path, size: f.size, done: Math.min(already.get(f.etag) ?? 0, f.size), state: "queued" },
      );
      byEtag.clear();
      for (const [i, f] of files.entries()) {
        byEtag.set(f.etag, [...(byEtag.get(f.etag) ?? []), progress.files[i] as FileProgress]);
        blobSize.set(f.etag, f.size);
        blobDone.set(f.etag, complete.has(f.etag) ? f.size : Math.min(already.get(f.etag) ?? 0, f.size));
      }
      progress.total = [...blobSize.values()].reduce((n, s) => n + s, 0);
      recount();
    },
    setPhase(phase: string) {
      progress.phase = phase;
    },
    bytes(etag: string, count: number) {
      received += count;
      const done = (blobDone.get(etag) ?? 0) + count;
      blobDone.set(etag, done);
      for (const f of byEtag.get(etag) ?? []) f.done = Math.min(done, f.size);
      progress.done += count;
    },
    /** A blob starts over (its content did not match): its bytes no longer count. */
    restart(etag: string) {
      blobDone.set(etag, 0);
      for (const f of byEtag.get(etag) ?? []) f.done = 0;
      recount();
    },
    state(etag: string, state: FileState, error?: string) {
      if (state === "done") blobDone.set(etag, blobSize.get(etag) ?? 0);
      for (const f of byEtag.get(etag) ?? []) {
        f.state = state;
        if (state === "done") f.done = f.size;
        if (error !== undefined) f.error = error;
      }
      if (state === "done") recount();
    },
    retry() {
      progress.retries++;
    },
    /** The downloader's per-blob events, counted here, each followed by `changed` (the progress pump). */
    events(changed: () => void) {
      return {
        bytes: (task: { etag: string }, count: number) => {
          this.bytes(task.etag, count);
          changed();
        },
        state: (task: { etag: string }, state: FileState) => {
          this.state(task.etag, state);
          changed();
        },
        restart: (task: { etag: string }) => {
          this.restart(task.etag);
          changed();
        },
      };
    },
    /** Paused or shut down: files not done wait again (their bytes stay for the resume). */
    interrupt() {
      for (const f of progress.files) if (f.state !== "done") f.state = "queued";
    },
    /** Files not done are marked failed with the error. */
    fail(message: string) {
      for (const f of progress.files) {
        if (f.state !== "done") {
          f.state = "failed";
          f.error = message;
        }
      }
    },
    /** A copy for consumers, with the rate and ETA as of now. */
    snapshot(): DownloadProgress {
      const at = now();
      samples.push({ at, received });
      while (samples.length > 2 && (samples[0] as { at: number }).at < at - RATE_WINDOW_MS) samples.shift();
      const first = samples[0] as { at: number; received: number };
      const seconds = (at - first.at) / 1000;
      progress.bytesPerSecond = seconds > 0 ? Math.round((received - first.received) / seconds) : 0;
      const left = progress.total - progress.done;
      progress.etaSeconds = progress.bytesPerSecond > 0 ? Math.ceil(left / progress.bytesPerSecond) : left === 0 ? 0 : null;
      return { ...progress, files: progress.files.map((f) => ({ ...f })) };
    },
  };
}

export type DownloadTracker = ReturnType<typeof downloadTracker>;
