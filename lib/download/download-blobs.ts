import { stat } from "node:fs/promises";
import { WhetError } from "../errors";
import { describeFailure } from "./describe-failure";
import { fetchPart, WRITE_BUFFER, WRITE_BUFFERS, type PartRange } from "./fetch-part";
import type { HubClient } from "./hub-client";
import { openPartial, removePartial, type PartialFile, type PartialPaths } from "./partial-file";
import { coveredBytes, missingRanges } from "./range-set";
import { resolveUrl } from "./plan-download";
import type { RepoFile } from "./repo-file";
import { runningDigest, type RunningDigest } from "./running-digest";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy";
import { splitTrial } from "./split-trial";
import type { TransferError } from "./transfer-error";

/** One distinct blob to fetch (paths that share content share it). */
export interface BlobTask {
  etag: string;
  size: number;
  algorithm: RepoFile["algorithm"];
  /** The resolve URL at the pinned commit. */
  url: string;
  partial: PartialPaths;
  /** A repository path with this content, for messages. */
  path: string;
}

/** One task per blob to fetch at the pinned commit, each received into the partial `partialOf` names. */
export function blobTasks(client: HubClient, repoId: string, commit: string, blobs: readonly RepoFile[], partialOf: (etag: string) => PartialPaths): BlobTask[] {
  return blobs.map((b) => ({ etag: b.etag, size: b.size, algorithm: b.algorithm, url: resolveUrl(client, repoId, commit, b.path), partial: partialOf(b.etag), path: b.path }));
}

export interface BlobEvents {
  /** Bytes received and written. */
  bytes(task: BlobTask, count: number): void;
  state(task: BlobTask, state: "downloading" | "verifying"): void;
  /** The content did not match its hash: it is fetched again from scratch, once. */
  restart(task: BlobTask, actual: string): void;
  retry(task: BlobTask, error: TransferError): void;
  /** The verified content is at `task.partial.data`: move it into place. */
  finish(task: BlobTask): Promise<void>;
}

export interface DownloadOptions {
  client: HubClient;
  tasks: readonly BlobTask[];
  signal: AbortSignal;
  events: BlobEvents;
  now: () => number;
  /** For messages: what was asked for and where the Hub is. */
  spec: string;
  stallMs: number;
  policy?: RetryPolicy;
  /** Requests in flight at once, over all files. */
  connections?: number;
  /** How parts are cut: the most one request asks for, and the least a split hands another connection (defaults fit files of hundreds of MB; tests use small ones). */
  parts?: { requestBytes: number; minShare: number };
}

interface Active {
  task: BlobTask;
  file: PartialFile;
  digest: RunningDigest;
  pending: number;
  refetched: boolean;
}

interface Part {
  active: Active;
  range: PartRange;
}

const MiB = 1 << 20;
/** The least a connection takes of another's part: smaller shares cost more in requests than they save. */
const MIN_SHARE = 16 * MiB;
/** Split points fall on whole MiB. */
const ALIGN = MiB;
/** How often an idle connection looks again for a share of the work. */
const TICK_MS = 250;

/**
 * Downloads blobs into their partial files: several files at once, one
 * connection each, `connections` requests in flight in all. A connection
 * with no file left takes the second half of what remains of the largest
 * running part, where more connections raise the total rate (see
 * splitTrial). Each part is retried and resumed on its own. A blob is verified (size, then sha256 or git
 * sha1 of every byte, hashed while it arrives) before `finish` makes it visible; a mismatch fetches it once more from
 * scratch, then fails naming both hashes. The first fatal error stops every
 * request, waits for all of them, persists the partial records and is thrown;
 * so is the signal's reason when it aborts.
 */
export async function downloadBlobs(options: DownloadOptions): Promise<void> {
  const { client, events, now, stallMs } = options;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const minShare = options.parts?.minShare ?? MIN_SHARE;
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  let firstError: unknown = null;
  const fail = (error: unknown) => {
    if (firstError === null && !options.signal.aborted) firstError = error;
    stop.abort(error);
  };

  const queue: Part[] = [];
  const running = new Set<Part>();
  /** Parts being fetched or verified. */
  let busy = 0;
  let received = 0;
  const trial = splitTrial();
  /** Idle connections wait for a change (a part ended, the download stopped) or a tick, whichever comes first. */
  let wake: (() => void) | null = null;
  let changed: Promise<void> | null = null;
  const notify = () => {
    wake?.();
    [wake, changed] = [null, null];
  };
  const changeOrTick = () =>
    new Promise<void>((resolve) => {
      changed ??= new Promise<void>((settle) => (wake = settle));
      // Never what keeps the process alive: running parts and retries do that.
      const timer = setTimeout(resolve, TICK_MS).unref();
      void changed.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  signal.addEventListener("abort", notify, { once: true });
  const open = new Set<Active>();
  /** Partials whose content can never complete (the server has fewer bytes than listed): not kept for a resume. */
  const discard = new Set<Active>();
  let nextTask = 0;

  const partsOf = (active: Active): Part[] =>
    missingRanges(active.file.done, active.task.size).map(([start, end]) => ({ active, range: { pos: start, end, requested: start, ranged: false } }));

  const activate = async (task: BlobTask, refetched: boolean): Promise<Active> => {
    const file = await openPartial(task.partial, task.etag, task.size);
    const digest = runningDigest(task.algorithm, task.size, () => file.done, task.partial.data);
    // What earlier runs wrote is hashed from the start.
    digest.written();
    const active: Active = { task, file, digest, pending: 0, refetched };
    open.add(active);
    return active;
  };

  const complete = async (active: Active): Promise<void> => {
    const { task } = active;
    events.state(task, "verifying");
    const info = await stat(task.partial.data);
    const whole = info.size === task.size && coveredBytes(active.file.done) === task.size;
    // A resumed file is hashed in full too: what earlier runs wrote is read back here.
    if (whole) await active.digest.catchUp(signal);
    await active.file.close();
    open.delete(active);
    const actual = whole ? active.digest.digest() : null;
    active.digest.close();
    if (actual === task.etag) {
      await events.finish(task);
      await removePartial(task.partial);
      return;
    }
    const got = actual ?? `a file of ${info.size} bytes`;
    if (active.refetched) {
      await removePartial(task.partial);
      throw new WhetError(
        "checksum_mismatch",
        `${task.path} does not match its ${task.algorithm === "sha256" ? "sha256" : "git sha1"} after a second download: expected ${task.etag}, got ${got}.`,
        "The server keeps sending different bytes than it lists; check HF_ENDPOINT, or try again later.",
        { path: task.path, expected: task.etag, actual: got },
      );
    }
    events.restart(task, got);
    await removePartial(task.partial);
    const again = await activate(task, true);
    events.state(task, "downloading");
    const parts = partsOf(again);
    again.pending = parts.length;
    queue.unshift(...parts);
    if (parts.length === 0) await complete(again);
  };

  /** Opens the next task's partial file and queues its missing parts; false when no task is left. */
  const startNextTask = async (): Promise<boolean> => {
    const task = options.tasks[nextTask++];
    if (!task) return false;
    const active = await activate(task, false);
    events.state(task, "downloading");
    const parts = partsOf(active);
    active.pending = parts.length;
    queue.push(...parts);
    if (parts.length === 0) await complete(active);
    return true;
  };

  const runPart = async (part: Part, buffers: Buffer[]): Promise<void> => {
    const { task } = part.active;
    await fetchPart({
      client,
      url: task.url,
      file: part.active.file,
      range: part.range,
      ...(options.parts ? { requestBytes: options.parts.requestBytes } : {}),
      signal,
      stallMs,
      now,
      policy,
      buffers,
      onBytes: (count) => {
        received += count;
        events.bytes(task, count);
      },
      onWritten: () => part.active.digest.written(),
      onRetry: (error) => events.retry(task, error),
    }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      const failure = describeFailure(error, { doing: `downloading ${task.path}`, spec: options.spec, hubUrl: client.hubUrl, file: task.path });
      if (failure.code === "size_mismatch") discard.add(part.active);
      throw failure;
    });
    if (--part.active.pending === 0) await complete(part.active);
  };

  /** Hands an idle connection the second half of what remains of the largest running part, when a split may pay. */
  const takeShare = (): Part | null => {
    const at = performance.now();
    trial.sample(at, received);
    if (!trial.maySplit(at, running.size)) return null;
    let victim: Part | null = null;
    let left = 0;
    for (const part of running) {
      const { pos, end, requested, ranged } = part.range;
      // What the request in flight asks for is its own; only a server that answers ranges can share.
      const free = end - Math.max(pos, requested);
      if (ranged && free > left) [victim, left] = [part, free];
    }
    if (victim === null || left < 2 * minShare) return null;
    const range = victim.range;
    const from = Math.max(range.pos, range.requested);
    // Both halves should end together: the victim's own half includes the request it has in flight.
    const middle = Math.min(range.end - minShare, Math.max(from, Math.ceil((range.pos + range.end) / 2 / ALIGN) * ALIGN));
    const share: Part = { active: victim.active, range: { pos: middle, end: range.end, requested: middle, ranged: true } };
    range.end = middle;
    victim.active.pending++;
    trial.split(at, running.size);
    return share;
  };

  /**
   * The next part to fetch, counted as busy from here on; "wait" while others
   * run (one may end, or be split); null when all is done. Opening a file
   * counts as busy too: until its parts are queued, idle connections must not
   * conclude that nothing is left.
   */
  const nextPart = async (): Promise<Part | "wait" | null> => {
    for (;;) {
      const queued = queue.shift();
      if (queued) {
        busy++;
        return queued;
      }
      busy++;
      const started = await startNextTask().finally(() => busy--);
      if (!started) break;
    }
    const share = takeShare();
    if (share) busy++;
    return share ?? (busy > 0 ? "wait" : null);
  };

  const worker = async (): Promise<void> => {
    const buffers = Array.from({ length: WRITE_BUFFERS }, () => Buffer.allocUnsafe(WRITE_BUFFER));
    while (!signal.aborted) {
      const next = await nextPart();
      if (next === null) return;
      if (next === "wait") {
        await changeOrTick();
        continue;
      }
      running.add(next);
      try {
        await runPart(next, buffers);
      } finally {
        running.delete(next);
        busy--;
        notify();
      }
    }
  };

  const connections = Math.max(1, options.connections ?? 8);
  await Promise.all(Array.from({ length: connections }, () => worker().catch(fail)));
  // Every worker has stopped: nothing writes any more. Keep what was received for a resume.
  await Promise.all(
    [...open].map((active) => {
      active.digest.close();
      return active.file.close().catch(() => undefined);
    }),
  );
  for (const active of discard) await removePartial(active.task.partial);
  if (firstError !== null) throw firstError;
  options.signal.throwIfAborted();
}
