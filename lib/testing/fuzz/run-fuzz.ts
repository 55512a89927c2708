import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { CaseKind, ReaderOutcome } from "./fuzz-case";

export type SubjectRequest = { seed: number; trial: number };
export type SubjectReply =
  | { type: "ready"; port: number }
  | { type: "trial"; trial: number; kind: CaseKind; changes: string[]; outcomes: ReaderOutcome[]; ms: number; heapUsed: number; maxRss: number };

export interface FuzzOptions {
  trials: number;
  seed: number;
  /** First trial index (to run one trial again: `first: N, trials: 1`). */
  first?: number;
  /** Also poll this running app's `/api/health` throughout. */
  appUrl?: string;
  /** A trial's readers must answer within this. */
  trialLimitMs?: number;
  /** The subject process must stay under this resident size. */
  memoryLimitBytes?: number;
  /** Where `lib/testing/fuzz/fuzz-subject.ts` and tsx are found. */
  projectRoot?: string;
  onTrial?: (done: number) => void;
}

export interface FuzzFailure {
  seed: number;
  trial: number;
  kind: string;
  changes: string[];
  problem: string;
}

export interface HealthPolls {
  polls: number;
  /** Polls not answered with 200 within POLL_TIMEOUT_MS. */
  unanswered: number;
  worstMs: number;
}

export interface FuzzReport {
  seed: number;
  trials: number;
  failures: FuzzFailure[];
  worstMs: number;
  worstTrial: number | null;
  /** Peak resident size of the subject process. */
  worstRssBytes: number;
  /** Largest V8 heap in use after a trial. */
  worstHeapBytes: number;
  health: HealthPolls;
  app: HealthPolls | null;
  /** Trials per case kind. */
  kinds: Record<string, number>;
  /** How often each typed answer came back (finding ids, error codes), across readers. */
  answers: Record<string, number>;
  seconds: number;
}

const POLL_MS = 100;
const POLL_TIMEOUT_MS = 2000;
/** A trial with no answer by then has hung: the subject is killed and started again. */
const HANG_MS = 30_000;

/** Polls a health URL every POLL_MS until stopped, keeping the worst latency. */
function pollHealth(url: () => string | null): { stop: () => HealthPolls } {
  const stats: HealthPolls = { polls: 0, unanswered: 0, worstMs: 0 };
  let inFlight = false;
  const timer = setInterval(() => {
    const target = url();
    if (!target || inFlight) return;
    inFlight = true;
    const started = performance.now();
    fetch(target, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) })
      .then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) stats.unanswered++;
      })
      .catch(() => {
        stats.unanswered++;
      })
      .finally(() => {
        stats.polls++;
        stats.worstMs = Math.max(stats.worstMs, performance.now() - started);
        inFlight = false;
      });
  }, POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      return stats;
    },
  };
}

/**
 * The fuzz drill: `trials` seeded trials, each a model folder with one file
 * damaged, run through Whetstone's readers in a subject process that also
 * serves `/api/health`. A trial fails when a reader answers with anything but
 * a typed result or WhetError, takes longer than `trialLimitMs`, or the
 * subject grows past `memoryLimitBytes`, crashes or hangs; the health endpoint
 * is polled throughout.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { trials, seed, first = 0, trialLimitMs = 5000, memoryLimitBytes = 512 * 2 ** 20, projectRoot = process.cwd() } = options;
  const started = performance.now();
  const report: FuzzReport = { seed, trials, failures: [], worstMs: 0, worstTrial: null, worstRssBytes: 0, worstHeapBytes: 0, health: { polls: 0, unanswered: 0, worstMs: 0 }, app: null, kinds: {}, answers: {}, seconds: 0 };
  let subject: { child: ChildProcess; port: number } | null = null;
  const health = pollHealth(() => (subject ? `http://127.0.0.1:${subject.port}/api/health` : null));
  const app = options.appUrl ? pollHealth(() => new URL("/api/health", options.appUrl).href) : null;

  const start = () =>
    new Promise<{ child: ChildProcess; port: number }>((resolve, reject) => {
      const child = fork(join(projectRoot, "lib", "testing", "fuzz", "fuzz-subject.ts"), [], {
        cwd: projectRoot,
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "ignore", "ignore", "ipc"],
      });
      child.once("message", (reply: SubjectReply) => (reply.type === "ready" ? resolve({ child, port: reply.port }) : reject(new Error("unexpected first message"))));
      child.once("exit", (code) => reject(new Error(`the fuzz subject exited while starting (code ${code})`)));
    });

  const runTrial = (child: ChildProcess, trial: number) =>
    new Promise<{ reply: SubjectReply & { type: "trial" } } | { lost: string }>((resolve) => {
      const onMessage = (reply: SubjectReply) => {
        if (reply.type !== "trial" || reply.trial !== trial) return;
        done({ reply });
      };
      const onExit = (code: number | null, signal: string | null) => done({ lost: `the subject process died (${signal ?? `exit code ${code}`})` });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        done({ lost: `no answer within ${HANG_MS / 1000} s` });
      }, HANG_MS);
      const done = (result: { reply: SubjectReply & { type: "trial" } } | { lost: string }) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(result);
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      child.send({ seed, trial } satisfies SubjectRequest);
    });

  try {
    for (let trial = first; trial < first + trials; trial++) {
      subject ??= await start();
      const result = await runTrial(subject.child, trial);
      options.onTrial?.(trial - first + 1);
      if ("lost" in result) {
        report.failures.push({ seed, trial, kind: "?", changes: [], problem: result.lost });
        subject.child.kill("SIGKILL");
        subject = null;
        continue;
      }
      const { reply } = result;
      report.kinds[reply.kind] = (report.kinds[reply.kind] ?? 0) + 1;
      const fail = (problem: string) => report.failures.push({ seed, trial, kind: reply.kind, changes: reply.changes, problem });
      for (const outcome of reply.outcomes) {
        if ("failure" in outcome) fail(`${outcome.reader} threw an untyped error: ${outcome.failure}`);
        else for (const answer of outcome.answer.split(",")) report.answers[answer] = (report.answers[answer] ?? 0) + 1;
      }
      if (reply.ms > trialLimitMs) fail(`answered in ${Math.round(reply.ms)} ms, over ${trialLimitMs} ms`);
      if (reply.maxRss > memoryLimitBytes && reply.maxRss > report.worstRssBytes) fail(`the subject grew to ${Math.round(reply.maxRss / 2 ** 20)} MB`);
      if (reply.ms > report.worstMs) {
        report.worstMs = reply.ms;
        report.worstTrial = trial;
      }
      report.worstRssBytes = Math.max(report.worstRssBytes, reply.maxRss);
      report.worstHeapBytes = Math.max(report.worstHeapBytes, reply.heapUsed);
    }
  } finally {
    subject?.child.disconnect();
    report.health = health.stop();
    report.app = app?.stop() ?? null;
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
