import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { openAppDatabase } from "../../lib/store/app-database";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { createJobRuntime } from "./job-runtime";
import { operations, sleep, type StepProgress } from "./test-operations";

const tempDir = useTempDirs();


async function setup() {
  const root = await tempDir();
  const config = { ...loadConfig(), dataDir: join(root, "data") };
  const open = () => createJobRuntime({ db: openAppDatabase(config.dataDir), config, operations });
  return { root, open };
}

async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(5);
  }
}

describe("job runtime", () => {
  it("runs a job to its typed result, streams its states with increasing sequence numbers, and replays after a given one", async () => {
    const { root, open } = await setup();
    const jobs = open();
    const job = jobs.start("count", { file: join(root, "n"), steps: 5 });
    expect(job).toMatchObject({ kind: "count", title: "Count to 5", owner: null, resumable: true });
    const states: string[] = [];
    const seqs: number[] = [];
    for await (const s of jobs.watch(job.id, 0)) {
      states.push(s.state);
      seqs.push(s.seq);
    }
    expect(states.at(-1)).toBe("succeeded");
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const done = jobs.get(job.id);
    if (done?.kind !== "count") throw new Error("wrong kind");
    expect(done.result).toEqual({ counted: 5, resumedFrom: 0 });
    expect(done.progress).toMatchObject({ done: 5, total: 5 });
    // A watcher that saw the last state gets nothing more.
    const replay = [];
    for await (const s of jobs.watch(job.id, done.seq)) replay.push(s);
    expect(replay).toEqual([]);
    await jobs.close();
  });

  it("keeps history across a restart, and attaches a second start of the same work to the first", async () => {
    const { root, open } = await setup();
    const first = open();
    const a = first.start("count", { file: join(root, "n"), steps: 1000, stepMs: 2 });
    const b = first.start("count", { file: join(root, "n"), steps: 1000, stepMs: 2 });
    expect(b.id).toBe(a.id);
    await first.cancel(a.id);
    await first.close();
    const second = open();
    expect(second.get(a.id)).toMatchObject({ state: "cancelled", error: { code: "cancelled" } });
    expect(second.list().map((j) => j.id)).toEqual([a.id]);
    await second.close();
  });

  it("runs each queue within its concurrency limit and reports queue positions", async () => {
    const { root, open } = await setup();
    const jobs = open();
    const one = jobs.start("wait", { gate: join(root, "g1") });
    const two = jobs.start("wait", { gate: join(root, "g2") });
    const three = jobs.start("wait", { gate: join(root, "g3") });
    await until(() => jobs.get(one.id)?.state === "running");
    expect(jobs.get(two.id)).toMatchObject({ state: "queued", queuePosition: 1 });
    expect(jobs.get(three.id)).toMatchObject({ state: "queued", queuePosition: 2 });
    await writeFile(join(root, "g1"), "go");
    await until(() => jobs.get(two.id)?.state === "running");
    expect(jobs.get(one.id)?.state).toBe("succeeded");
    expect(jobs.get(three.id)).toMatchObject({ state: "queued", queuePosition: 1 });
    // A queued job cancelled never runs.
    await jobs.cancel(three.id);
    await writeFile(join(root, "g2"), "go");
    await jobs.idle();
    expect(jobs.list().map((j) => j.state)).toEqual(["cancelled", "succeeded", "succeeded"]);
    await jobs.close();
  });

  it("pauses and resumes a resumable job from where it stopped, and refuses to pause one that is not", async () => {
    const { root, open } = await setup();
    const jobs = open();
    const file = join(root, "n");
    const job = jobs.start("count", { file, steps: 400, stepMs: 2 });
    await until(() => ((jobs.get(job.id)?.progress as StepProgress | null)?.done ?? 0) >= 20);
    jobs.pause(job.id);
    await until(() => jobs.get(job.id)?.state === "paused");
    const stoppedAt = Number(await readFile(file, "utf8"));
    expect(stoppedAt).toBeGreaterThanOrEqual(20);
    expect(stoppedAt).toBeLessThan(400);
    await sleep(30);
    expect(Number(await readFile(file, "utf8"))).toBe(stoppedAt);
    jobs.resume(job.id);
    await jobs.idle();
    const done = jobs.get(job.id);
    if (done?.kind !== "count") throw new Error("wrong kind");
    expect(done).toMatchObject({ state: "succeeded", runs: 2, result: { counted: 400, resumedFrom: stoppedAt } });

    const waiting = jobs.start("wait", { gate: join(root, "g") });
    expect(() => jobs.pause(waiting.id)).toThrow(/cannot be paused/);
    await jobs.cancel(waiting.id);
    await jobs.close();
  });

  it("retries a failed job, and discards what a paused one kept when it is cancelled", async () => {
    const { root, open } = await setup();
    const jobs = open();
    const file = join(root, "n");
    const job = jobs.start("count", { file, steps: 10, failAt: 4 });
    await jobs.idle();
    expect(jobs.get(job.id)).toMatchObject({ state: "failed", error: { code: "count_failed", message: "Counting failed at 4", hint: "Try again." } });

    const paused = jobs.start("count", { file: join(root, "m"), steps: 1000, stepMs: 2 });
    await until(() => jobs.get(paused.id)?.state === "running");
    jobs.pause(paused.id);
    await until(() => jobs.get(paused.id)?.state === "paused");
    await jobs.cancel(paused.id);
    expect(await readFile(join(root, "m"), "utf8")).toBe("discarded");
    expect(jobs.get(paused.id)?.state).toBe("cancelled");
    await jobs.close();
  });

  it("after a crash, queues resumable jobs again and marks the others interrupted with their last progress", async () => {
    const { root, open } = await setup();
    // Another process runs both jobs and is killed (SIGKILL) while they run.
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "test-crash-runtime.ts"), join(root, "data"), root], { stdio: ["ignore", "pipe", "inherit"] });
    const ids = await new Promise<{ counting: string; waiting: string }>((resolve, reject) => {
      child.stdout.once("data", (line: Buffer) => resolve(JSON.parse(line.toString()) as { counting: string; waiting: string }));
      child.once("exit", (code) => reject(new Error(`the job process exited early (${code})`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const counting = { id: ids.counting };
    const waiting = { id: ids.waiting };
    const restarted = open();
    expect(restarted.get(waiting.id)).toMatchObject({ state: "interrupted", error: { code: "interrupted" }, progress: { phase: "waiting" } });
    await until(() => restarted.get(counting.id)?.state === "succeeded", 20_000);
    const done = restarted.get(counting.id);
    if (done?.kind !== "count") throw new Error("wrong kind");
    expect(done.result?.resumedFrom).toBeGreaterThanOrEqual(10);
    // An interrupted job can be run again.
    await writeFile(join(root, "g"), "go");
    restarted.resume(waiting.id);
    await restarted.idle();
    expect(restarted.get(waiting.id)).toMatchObject({ state: "succeeded", result: "went" });
    await restarted.close();
  });

  it("forgets finished jobs after the retention period", async () => {
    const { root } = await setup();
    const config = { ...loadConfig(), dataDir: join(root, "data") };
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const make = () => createJobRuntime({ db: openAppDatabase(config.dataDir), config, operations, now: () => clock, retentionDays: 7 });
    const jobs = make();
    jobs.start("count", { file: join(root, "n"), steps: 1, stepMs: 0 });
    await jobs.idle();
    await jobs.close();
    clock += 6 * 86_400_000;
    expect(make().list()).toHaveLength(1);
    clock += 2 * 86_400_000;
    expect(make().list()).toHaveLength(0);
  });
});
