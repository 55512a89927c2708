import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import type { DefectId } from "../factory/defects";
import { makeModel } from "../factory/make-model";
import { pathExists } from "../fs/path-exists";
import { useTempDirs } from "../testing/temp-dir";
import type { BridgeEvent } from "./bridge-events";
import { generationParamsSchema } from "./generation-params";
import { createModelRunner, type ModelRunnerOptions } from "./model-runner";
import { startRunnerProcess } from "./runner-process";

const tempDir = useTempDirs();
const config = loadConfig();
const params = generationParamsSchema.parse({ maxTokens: 4, temperature: 0 });
/** What makes `(a+)+$` backtrack: a run of a's that cannot end the text. */
const BACKTRACKING_INPUT = `${"a".repeat(60)}b`;

async function model(defects: DefectId[]): Promise<string> {
  const dir = join(await tempDir(), "hostile");
  await makeModel({ dir, defects });
  return dir;
}

function runnerFor(modelPath: string, extra: Partial<ModelRunnerOptions> = {}) {
  const runner = createModelRunner({ name: "hostile", modelPath, config, ...extra });
  onTestFinished(() => runner.stop());
  return runner;
}

async function reply(runner: ReturnType<typeof createModelRunner>, content: string) {
  let text = "";
  for await (const event of runner.generate({ messages: [{ role: "user", content }] }, params)) if (event.type === "delta") text += event.text;
  return text;
}

/** Runner bridge processes still alive for a model folder. */
async function bridgesFor(dir: string): Promise<string[]> {
  const { stdout } = await execa("pgrep", ["-f", `runner_bridge.py ${dir}`], { reject: false });
  return stdout.split("\n").filter(Boolean);
}

describe("hostile models in the runner (issue #10)", () => {
  it("never lets the loader read the command pipe: a tokenizer asking for trust_remote_code fails its load at once", async () => {
    const dir = await model(["tokenizer-remote-code"]);
    const events: { at: number; event: BridgeEvent }[] = [];
    const proc = startRunnerProcess({ modelPath: dir, config, onEvent: (event) => events.push({ at: performance.now(), event }) });
    onTestFinished(() => proc.kill());
    await proc.exited;
    const tokenizerAt = events.find((e) => e.event.type === "progress" && e.event.phase === "loading tokenizer")?.at ?? 0;
    const failure = events.find((e) => e.event.type === "load_error");
    expect(failure?.event).toMatchObject({ type: "load_error", error_type: "ValueError", message: expect.stringContaining("trust_remote_code") });
    // transformers waits 15 s for an answer on stdin before it gives up.
    expect((failure?.at ?? Infinity) - tokenizerAt).toBeLessThan(5000);
    expect(await pathExists(join(dir, "REMOTE_CODE_RAN"))).toBe(false);
  });

  it("fails the one request whose text makes the tokenizer regex backtrack, and keeps serving", async () => {
    const runner = runnerFor(await model(["tokenizer-regex-backtracking"]));
    await expect(runner.encode(BACKTRACKING_INPUT)).rejects.toMatchObject({ code: "generation_failed", message: expect.stringMatching(/retry-limit/) });
    await expect(reply(runner, BACKTRACKING_INPUT)).rejects.toMatchObject({ code: "generation_failed" });
    expect((await reply(runner, "Hello")).length).toBeGreaterThan(0);
    expect(runner.status()).toMatchObject({ state: "ready", restarts: 0 });
  });

  it("stops a request whose prompt is never ready (a chat template that loops in Python) and restarts the runner", async () => {
    const runner = runnerFor(await model(["chat-template-endless-loop"]), { prepareTimeoutMs: 2000 });
    runner.warm();
    await runner.encode("warm");
    const started = performance.now();
    await expect(reply(runner, "Hello")).rejects.toMatchObject({ code: "runner_request_timeout" });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(runner.status().lastCrash).toMatch(/did not finish preparing the prompt within 2 s/);
    // The restarted runner still answers what needs no template.
    let text = "";
    for await (const event of runner.generate({ prompt: "Hello" }, params)) if (event.type === "delta") text += event.text;
    expect(text.length).toBeGreaterThan(0);
  });

  it("leaves no process behind when stopped right after a crash, as a command does on its way out", async () => {
    const dir = await model([]);
    const runner = runnerFor(dir);
    const long = generationParamsSchema.parse({ maxTokens: 5000, temperature: 0 });
    await expect(
      (async () => {
        for await (const event of runner.generate({ prompt: "Hello" }, long)) {
          if (event.type === "delta") process.kill(runner.status().pid as number, "SIGKILL");
        }
      })(),
    ).rejects.toMatchObject({ code: "runner_crashed" });
    // What `whet run` does once the reply failed: stop everything and exit.
    await runner.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(runner.status()).toMatchObject({ state: "stopped", pid: null });
    expect(await bridgesFor(dir)).toEqual([]);
  });
});
