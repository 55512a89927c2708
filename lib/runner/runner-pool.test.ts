import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { useTempDirs } from "../testing/temp-dir";
import { generationParamsSchema } from "./generation-params";
import { createRunnerPool, type RunnerPool } from "./runner-pool";

const tempDir = useTempDirs();
const config = loadConfig();

/** Fills an HF cache with Python's own snapshot_download, as any HF tool would. */
async function pythonDownload(hubUrl: string, hfHome: string, repo: string, revision: string): Promise<string> {
  const result = await execa(config.python, [join(config.projectRoot, "python", "interop", "hub_client.py"), "snapshot-download", "--repo", repo, "--revision", revision], {
    extendEnv: false,
    env: { PATH: process.env.PATH, HOME: hfHome, HF_HOME: hfHome, HF_ENDPOINT: hubUrl, HF_HUB_DISABLE_XET: "1", HF_HUB_DISABLE_TELEMETRY: "1" },
  });
  return (JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as { path: string }).path;
}

async function reply(pool: RunnerPool, spec: string) {
  const { runner, name } = await pool.runnerFor(spec);
  let text = "";
  let usage = null;
  const greedy = generationParamsSchema.parse({ maxTokens: 16, temperature: 0, repetitionPenalty: null });
  for await (const event of runner.generate({ messages: [{ role: "user", content: "Tell me about the day." }] }, greedy)) {
    if (event.type === "delta") text += event.text;
    if (event.type === "done") usage = event.usage;
  }
  return { text, usage, name, path: runner.path };
}

describe("runner pool: every kind of model spec chats end to end", () => {
  it("runs a workspace, a cache model and an @rev snapshot, each from its own folder", async () => {
    const root = await tempDir();
    const v1 = await makeModel({ dir: join(root, "src-v1"), seed: 21 });
    const v2 = await makeModel({ dir: join(root, "src-v2"), seed: 22 });
    const hub = await startHubFixture({ repos: [{ id: "acme/tiny-chat", revisions: [{ dir: v1.dir, tags: ["v1"] }, { dir: v2.dir }] }] });
    onTestFinished(() => hub.close());
    const hfHome = join(root, "hf");
    const mainPath = await pythonDownload(hub.url, hfHome, "acme/tiny-chat", "main");
    const v1Path = await pythonDownload(hub.url, hfHome, "acme/tiny-chat", "v1");
    const workspaceRoot = join(root, "workspaces");
    await makeModel({ dir: join(workspaceRoot, "my-ws"), seed: 23 });

    const pool = createRunnerPool({ config: { ...config, hubCache: join(hfHome, "hub"), workspaceRoot }, maxRunners: 4, allowPaths: true });
    onTestFinished(() => pool.stopAll());

    const [workspace, cached, pinned, byPath] = await Promise.all([
      reply(pool, "my-ws"),
      reply(pool, "acme/tiny-chat"),
      reply(pool, "acme/tiny-chat@v1"),
      reply(pool, join(workspaceRoot, "my-ws")),
    ]);
    expect(workspace).toMatchObject({ name: "my-ws", path: join(workspaceRoot, "my-ws"), usage: { completionTokens: 16 } });
    expect(cached).toMatchObject({ name: "acme/tiny-chat", path: mainPath, usage: { completionTokens: 16 } });
    expect(pinned).toMatchObject({ name: "acme/tiny-chat@v1", path: v1Path, usage: { completionTokens: 16 } });
    // The same folder by name or by path is one loaded model; different revisions are different weights.
    expect(byPath.text).toBe(workspace.text);
    expect(pinned.text).not.toBe(cached.text);
    expect(pool.list()).toHaveLength(3);
  });
});

describe("runner pool: memory bounded by the models kept loaded", () => {
  it("a request for another model waits while every loaded model answers, is refused past its wait, and loads once one finishes", async () => {
    const root = await tempDir();
    const workspaceRoot = join(root, "workspaces");
    await makeModel({ dir: join(workspaceRoot, "a"), seed: 31 });
    await makeModel({ dir: join(workspaceRoot, "b"), seed: 32 });
    const pool = createRunnerPool({ config: { ...config, hubCache: join(root, "hub"), workspaceRoot }, maxRunners: 1, roomWaitMs: 3000 });
    onTestFinished(() => pool.stopAll());

    const { runner: a } = await pool.runnerFor("a");
    const events = a.generate({ prompt: "Once upon a time" }, generationParamsSchema.parse({ maxTokens: 64, temperature: 0, repetitionPenalty: null }))[Symbol.asyncIterator]();
    while ((await events.next()).value?.type !== "delta");
    // Held mid-reply: the one loaded model stays busy for as long as this test wants.
    const pid = a.status().pid as number;
    process.kill(pid, "SIGSTOP");
    let resumed = false;
    onTestFinished(() => {
      if (!resumed) process.kill(pid, "SIGCONT");
    });

    const refusedAt = Date.now();
    await expect(pool.runnerFor("b")).rejects.toMatchObject({ code: "runners_busy", message: expect.stringContaining("b cannot be loaded now") });
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(2900);
    expect(pool.list().map((r) => r.name)).toEqual(["a"]);

    // Once a's reply ends, b's request gets the room; never two models at once.
    const counts: number[] = [];
    const sample = () => counts.push(pool.list().length);
    sample();
    const sampler = setInterval(sample, 20);
    const waiting = pool.runnerFor("b");
    process.kill(pid, "SIGCONT");
    resumed = true;
    let last;
    do last = await events.next();
    while (!last.done);
    const { runner: b } = await waiting;
    clearInterval(sampler);
    expect(b.path).toBe(join(workspaceRoot, "b"));
    expect(pool.list().map((r) => r.name)).toEqual(["b"]);
    expect(Math.max(...counts)).toBe(1);
  });
});
