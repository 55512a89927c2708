import { Worker } from "node:worker_threads";

/**
 * The thread's code, plain JavaScript run with `eval`: a worker needs a file
 * or a string, and a string is found the same way under the CLI bundle, the
 * Next.js server and the tests. For each open file it reads from the hashed
 * prefix up to the target it was told (the bytes are on disk, still in the
 * page cache) into one reused buffer, and reports the count; at the file's
 * size, the hex digest too.
 */
const SOURCE = `
const { parentPort } = require("node:worker_threads");
const { openSync, readSync, closeSync } = require("node:fs");
const { createHash } = require("node:crypto");
const buffer = Buffer.allocUnsafe(1 << 20);
const files = new Map();
let scheduled = false;
function step() {
  scheduled = false;
  for (const [id, file] of files) {
    if (file.hashed >= file.target) continue;
    try {
      // A slice of work per file and turn: the thread reads new messages between slices.
      const stop = Math.min(file.target, file.hashed + 16 * buffer.byteLength);
      while (file.hashed < stop) {
        const count = readSync(file.fd, buffer, 0, Math.min(buffer.byteLength, stop - file.hashed), file.hashed);
        if (count === 0) throw Object.assign(new Error("the file ended early"), { code: "ETRUNCATED" });
        file.hash.update(buffer.subarray(0, count));
        file.hashed += count;
      }
      const done = file.hashed === file.size;
      parentPort.postMessage({ id, hashed: file.hashed, digest: done ? file.hash.digest("hex") : null });
    } catch (error) {
      parentPort.postMessage({ id, error: String(error.code || error.message) });
      closeSync(file.fd);
      files.delete(id);
    }
  }
  for (const file of files.values()) if (file.hashed < file.target) return schedule();
}
function schedule() {
  if (!scheduled) { scheduled = true; setImmediate(step); }
}
parentPort.on("message", (message) => {
  if (message.op === "open") {
    try {
      const hash = message.algorithm === "sha256" ? createHash("sha256") : createHash("sha1").update("blob " + message.size + "\\0");
      files.set(message.id, { fd: openSync(message.path, "r"), hash, hashed: 0, target: 0, size: message.size });
    } catch (error) {
      parentPort.postMessage({ id: message.id, error: String(error.code || error.message) });
    }
  } else if (message.op === "advance") {
    const file = files.get(message.id);
    if (file && message.target > file.target) { file.target = Math.min(message.target, file.size); schedule(); }
  } else if (message.op === "close") {
    const file = files.get(message.id);
    if (file) { closeSync(file.fd); files.delete(message.id); }
  }
});
`;

interface Reply {
  id: number;
  hashed?: number;
  digest?: string | null;
  error?: string;
}

/** One file being hashed on the digest thread. */
export interface ThreadDigest {
  /** Bytes hashed so far, from the start of the file (as last reported). */
  readonly hashed: number;
  /** Bytes [0, target) are on disk: hash up to there. */
  advance(target: number): void;
  /** Resolves once the hashed prefix reaches `target`; rejects when the file cannot be read. */
  reach(target: number, signal: AbortSignal): Promise<void>;
  /** The digest, once every byte is hashed; null before. */
  digest(): string | null;
  close(): void;
}

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Entry {
  hashed: number;
  digest: string | null;
  error: Error | null;
  waiters: Set<Waiter>;
}

let worker: Worker | null = null;
let nextId = 0;
const entries = new Map<number, Entry>();
/** Files with a caller waiting on them: the thread keeps the process alive only while there are some. */
let waiting = 0;

function settle(entry: Entry): void {
  for (const waiter of entry.waiters) {
    if (entry.error) waiter.reject(entry.error);
    else if (entry.hashed >= waiter.target) waiter.resolve();
    else continue;
    entry.waiters.delete(waiter);
  }
}

function thread(): Worker {
  if (worker) return worker;
  // No flags from this process (a loader, --input-type=module): the code is plain CommonJS and needs none.
  const started = new Worker(SOURCE, { eval: true, execArgv: [] });
  started.on("message", (reply: Reply) => {
    const entry = entries.get(reply.id);
    if (!entry) return;
    if (reply.error !== undefined) entry.error = new Error(`the partial file could not be read back to verify it (${reply.error})`);
    if (reply.hashed !== undefined) entry.hashed = reply.hashed;
    if (reply.digest) entry.digest = reply.digest;
    settle(entry);
  });
  // A thread that dies fails what waits on it; the next file starts a new one.
  started.on("error", (error) => {
    if (worker === started) worker = null;
    for (const entry of entries.values()) {
      entry.error ??= error;
      settle(entry);
    }
  });
  started.on("exit", () => {
    if (worker === started) worker = null;
  });
  // After the listeners: adding a "message" listener refs the port again, and a thread nobody waits on must not keep the process alive.
  started.unref();
  worker = started;
  return started;
}

/**
 * Hashes a file being downloaded on a thread of its own (sha256 for LFS
 * files, git's blob sha1 otherwise), reading back what is on disk: hashing
 * is a third of a download's CPU, and on the thread that receives the bytes
 * it would stall every connection while it runs. Reading back costs a copy
 * from the page cache, a fraction of the hash.
 */
export function threadDigest(path: string, algorithm: "sha256" | "git-sha1", size: number): ThreadDigest {
  const id = nextId++;
  const entry: Entry = { hashed: 0, digest: null, error: null, waiters: new Set() };
  entries.set(id, entry);
  const post = (message: object) => thread().postMessage({ id, ...message });
  post({ op: "open", path, algorithm, size });
  let advanced = 0;
  return {
    get hashed() {
      return entry.hashed;
    },
    advance(target) {
      if (target <= advanced) return;
      advanced = target;
      post({ op: "advance", target });
    },
    reach(target, signal) {
      this.advance(target);
      if (entry.error) return Promise.reject(entry.error);
      if (entry.hashed >= target) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        if (waiting++ === 0) thread().ref();
        const finish = () => {
          entry.waiters.delete(waiter);
          signal.removeEventListener("abort", onAbort);
          if (--waiting === 0) worker?.unref();
        };
        const waiter: Waiter = {
          target,
          resolve: () => {
            finish();
            resolve();
          },
          reject: (error) => {
            finish();
            reject(error);
          },
        };
        const onAbort = () => waiter.reject(signal.reason as Error);
        entry.waiters.add(waiter);
        signal.addEventListener("abort", onAbort, { once: true });
        if (signal.aborted) onAbort();
      });
    },
    digest: () => entry.digest,
    close() {
      entries.delete(id);
      worker?.postMessage({ id, op: "close" });
    },
  };
}
