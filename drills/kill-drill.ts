import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { seededRandom } from "../lib/factory/random";
import { checkModel } from "../lib/health/check-model";
import { contentHashes } from "./content-hashes";

/** One operation to kill at random moments: the `whet` command that runs it and what it must never harm. */
export interface KillCase {
  name: string;
  /** The command for one trial (trial 0 is the uninterrupted reference run). */
  args: string[] | ((trial: number) => string[]);
  /** Where the output appears (a workspace, or a cache snapshot). */
  output: string;
  /** What is removed between trials so each starts from nothing (the workspace, or the cache repo). */
  reset: string;
  /** Folders that must be byte-identical after every trial (the source, the HF cache). */
  untouched: string[];
  /**
   * For an output that is not a local folder (a push's remote repo): what a
   * trial left there. "absent" is as before the run, "complete" as after an
   * uninterrupted one; anything else is the problem seen.
   */
  remote?: (trial: number) => Promise<"absent" | "complete" | string>;
}

export interface TrialFailure {
  kase: string;
  trial: number;
  killAfterMs: number;
  problem: string;
}

export interface KillReport {
  kase: string;
  trials: number;
  killed: number;
  failures: TrialFailure[];
  /** The longest trial: kill, checks, and the run that resumes or cleans up. */
  worstTrialMs: number;
  /** The most memory any `whet` process of the drill held (peak resident set, sampled). */
  worstRssMb: number;
  fullRunMs: number;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
  peakRssMb: number;
}

/** The process's peak resident set so far (Linux), in MB; 0 where /proc has no answer. */
function peakRss(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

function runWhet(projectRoot: string, args: string[], env: Record<string, string>, killAfterMs: number | null): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(projectRoot, "bin", "whet.mjs"), ...args, "--json"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Under --json an error is in the envelope on stdout; keep the end of both for the report.
  let stderr = "";
  const keep = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const timer = killAfterMs === null ? null : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRss(child.pid));
  }, 25);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      if (timer) clearTimeout(timer);
      clearInterval(sampler);
      resolve({ code, signal, ms: performance.now() - started, stderr, peakRssMb: peak });
    });
  });
}

/**
 * SIGKILLs `whet` at random moments of one operation, `trials` times. After
 * each kill: the source and the HF cache are byte-identical, an output that
 * health calls healthy is the complete one, and unless the output was already
 * complete, the next run (resuming or cleaning up) finishes it.
 */
export async function killDrill(params: {
  kase: KillCase;
  trials: number;
  seed: number;
  projectRoot: string;
  env: Record<string, string>;
  onTrial?: (line: string) => void;
}): Promise<KillReport> {
  const { kase, trials, projectRoot, env } = params;
  const random = seededRandom(params.seed);
  const argsFor = (trial: number) => (typeof kase.args === "function" ? kase.args(trial) : kase.args);
  const before = await Promise.all(kase.untouched.map((dir) => contentHashes(dir)));
  await rm(kase.reset, { recursive: true, force: true });
  const full = await runWhet(projectRoot, argsFor(0), env, null);
  if (full.code !== 0) throw new Error(`${kase.name}: the uninterrupted run failed (exit ${full.code}): ${full.stderr}`);
  const reference = await contentHashes(kase.output);
  const report: KillReport = { kase: kase.name, trials, killed: 0, failures: [], worstTrialMs: 0, worstRssMb: full.peakRssMb, fullRunMs: full.ms };

  for (let trial = 1; trial <= trials; trial++) {
    await rm(kase.reset, { recursive: true, force: true });
    const killAfterMs = Math.round(random() * full.ms);
    const started = performance.now();
    const fail = (problem: string) => report.failures.push({ kase: kase.name, trial, killAfterMs, problem });
    const killed = await runWhet(projectRoot, argsFor(trial), env, killAfterMs);
    report.worstRssMb = Math.max(report.worstRssMb, killed.peakRssMb);
    if (killed.signal === "SIGKILL") report.killed++;
    else if (killed.code !== 0) fail(`the run exited ${killed.code} before it was killed: ${killed.stderr}`);

    const after = await Promise.all(kase.untouched.map((dir) => contentHashes(dir)));
    kase.untouched.forEach((dir, i) => {
      if (!isDeepStrictEqual(after[i], before[i])) fail(`${dir} changed`);
    });
    let complete: boolean;
    if (kase.remote) {
      const state = await kase.remote(trial);
      if (state !== "absent" && state !== "complete") fail(state);
      complete = state === "complete";
    } else {
      const left = await contentHashes(kase.output);
      complete = isDeepStrictEqual(left, reference);
      if (left && !complete && (await checkModel(kase.output)).healthy) fail("an incomplete output is reported healthy");
    }
    if (!complete) {
      const again = await runWhet(projectRoot, argsFor(trial), env, null);
      report.worstRssMb = Math.max(report.worstRssMb, again.peakRssMb);
      if (again.code !== 0) fail(`the next run did not finish (exit ${again.code}): ${again.stderr.replace(/\s+/g, " ").slice(-300)}`);
      else if (kase.remote ? (await kase.remote(trial)) !== "complete" : !isDeepStrictEqual(await contentHashes(kase.output), reference)) {
        fail("the next run's output differs from an uninterrupted run's");
      }
    }
    const ms = performance.now() - started;
    report.worstTrialMs = Math.max(report.worstTrialMs, ms);
    params.onTrial?.(`${kase.name} #${trial}: killed after ${killAfterMs} ms${killed.signal ? "" : " (had finished)"}, ${Math.round(ms)} ms`);
  }
  await rm(kase.reset, { recursive: true, force: true });
  return report;
}
