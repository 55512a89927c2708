import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { generationParamsSchema, type GenerationInput, type GenerationParamsInput } from "./generation-params";
import { createModelRunner, type ModelRunnerOptions } from "./model-runner";
import type { RunnerExit } from "./runner-process";
import type { RunEvent } from "./run-events";

const tempDir = useTempDirs();
const config = loadConfig();

async function tinyModel(seed = 1, defects: Parameters<typeof makeModel>[0]["defects"] = []): Promise<string> {
  const dir = join(await tempDir(), "tiny");
  await makeModel({ dir, seed, defects });
  return dir;
}

function runnerFor(modelPath: string, extra: Partial<ModelRunnerOptions> = {}) {
  const runner = createModelRunner({ name: "tiny", modelPath, config, ...extra });
  onTestFinished(() => runner.stop());
  return runner;
}

async function collect(stream: AsyncIterable<RunEvent>) {
  const events: RunEvent[] = [];
  let text = "";
  for await (const event of stream) {
    events.push(event);
    if (event.type === "delta") text += event.text;
  }
  const done = events.find((e) => e.type === "done");
  return { events, text, done: done?.type === "done" ? done : null };
}

const params = (p: GenerationParamsInput = {}) => generationParamsSchema.parse(p);
const hello: GenerationInput = { messages: [{ role: "user", content: "Hello, how are you?" }] };

describe("model runner (real mlx-lm process)", () => {
  it("loads with progress, applies the chat template and counts real tokens", async () => {
    const dir = await tinyModel();
    const runner = runnerFor(dir);
    const { events, text, done } = await collect(runner.generate(hello, params({ maxTokens: 12, temperature: 0, repetitionPenalty: null })));

    const phases = events.filter((e) => e.type === "loading").map((e) => (e.type === "loading" ? e.phase : ""));
    expect(phases).toEqual(expect.arrayContaining(["importing mlx-lm", "loading weights", "loading tokenizer", "warming up"]));
    expect(events.find((e) => e.type === "start")).toMatchObject({ template: "model" });
    expect(text.length).toBeGreaterThan(0);
    expect(done?.finishReason).toBe("length");
    expect(done?.usage.completionTokens).toBe(12);
    expect(done?.timings.ttftMs).toBeGreaterThan(0);
    expect(done?.timings.tokensPerSecond).toBeGreaterThan(0);

    // The prompt count is the chat template's token count, as transformers computes it.
    const expected = await runPython(
      [
        "import sys, json",
        "from transformers import AutoTokenizer",
        "t = AutoTokenizer.from_pretrained(sys.argv[1])",
        "ids = t.apply_chat_template([{'role': 'user', 'content': 'Hello, how are you?'}], add_generation_prompt=True, tokenize=True, return_dict=False)",
        "print(len(ids))",
      ].join("\n"),
      [dir],
    );
    expect(done?.usage.promptTokens).toBe(Number(expected.trim().split("\n").pop()));
    expect(runner.status()).toMatchObject({ state: "ready", busy: false, queued: 0, contextLength: 2048 });
  });

  it("stops computing when a reply is stopped, and trims stop strings", async () => {
    const runner = runnerFor(await tinyModel());
    const controller = new AbortController();
    let deltas = 0;
    const started = performance.now();
    const stopped = await collect(
      (async function* () {
        // Greedy without a repetition penalty this random-weight model loops and never reaches its end token.
        for await (const event of runner.generate({ prompt: "Once upon a time" }, params({ maxTokens: 200_000, temperature: 0, repetitionPenalty: null }), controller.signal)) {
          if (event.type === "delta" && ++deltas === 2) controller.abort();
          yield event;
        }
      })(),
    );
    expect(stopped.done?.finishReason).toBe("cancelled");
    expect(stopped.done?.usage.completionTokens).toBeLessThan(200);
    // The process is free again at once: the next reply starts without waiting for 200k tokens.
    expect(runner.status().busy).toBe(false);
    const next = await collect(runner.generate({ prompt: "Again" }, params({ maxTokens: 5 })));
    expect(next.done?.finishReason).toBe("length");
    expect(performance.now() - started).toBeLessThan(30_000);

    // A stop string ends the reply before it and is not part of the text.
    const greedy = await collect(runner.generate({ prompt: "Once" }, params({ maxTokens: 40, temperature: 0, repetitionPenalty: null })));
    const stop = greedy.text.slice(6, 9);
    const cut = await collect(runner.generate({ prompt: "Once" }, params({ maxTokens: 40, temperature: 0, repetitionPenalty: null, stop: [stop] })));
    expect(cut.done?.finishReason).toBe("stop");
    expect(cut.text).toBe(greedy.text.slice(0, greedy.text.indexOf(stop)));
  });

  it("queues concurrent requests fairly and gives each stream only its own tokens", async () => {
    const runner = runnerFor(await tinyModel());
    const prompts = ["alpha", "bravo charlie", "delta echo foxtrot", "golf"];
    const greedy = params({ maxTokens: 24, temperature: 0, repetitionPenalty: null });
    const alone: string[] = [];
    for (const p of prompts) alone.push((await collect(runner.generate({ prompt: p }, greedy))).text);
    expect(new Set(alone).size).toBe(prompts.length);

    const together = await Promise.all(prompts.map((p) => collect(runner.generate({ prompt: p }, greedy))));
    expect(together.map((r) => r.text)).toEqual(alone);
    expect(together.every((r) => r.done?.usage.completionTokens === 24)).toBe(true);
    // Later arrivals were told where they stood, and none was dropped.
    const positions = together.map((r) => r.events.filter((e) => e.type === "queued").map((e) => (e.type === "queued" ? e.position : -1)));
    expect(positions[3]?.[0]).toBe(3);
    expect(positions[3]?.at(-1)).toBe(1);
  });

  it("reports a crash to the reply it interrupts and restarts the runner", async () => {
    const runner = runnerFor(await tinyModel());
    await collect(runner.generate({ prompt: "warm" }, params({ maxTokens: 2 })));
    const firstPid = runner.status().pid as number;
    const events: RunEvent[] = [];
    const failure = await (async () => {
      try {
        for await (const event of runner.generate({ prompt: "Once upon a time" }, params({ maxTokens: 200_000, temperature: 0, repetitionPenalty: null }))) {
          events.push(event);
          if (event.type === "delta" && events.filter((e) => e.type === "delta").length === 1) process.kill(firstPid, "SIGKILL");
        }
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ code: "runner_crashed", message: expect.stringContaining("crashed (killed by SIGKILL) and was restarted") });
    expect(runner.status()).toMatchObject({ restarts: 1, lastCrash: expect.stringContaining("SIGKILL") });

    const after = await collect(runner.generate(hello, params({ maxTokens: 4 })));
    expect(after.done?.usage.completionTokens).toBe(4);
    expect(runner.status().pid).not.toBe(firstPid);
  });

  it("answers a request that arrives while it is being stopped with a fresh process, instead of losing it", async () => {
    const runner = runnerFor(await tinyModel());
    await collect(runner.generate({ prompt: "warm" }, params({ maxTokens: 2 })));
    const firstPid = runner.status().pid as number;
    // A pool stops a runner to make room while a request already holding it is on its way (issue #10).
    const stopping = runner.stop();
    const reply = collect(runner.generate({ prompt: "Once" }, params({ maxTokens: 4 })));
    await stopping;
    const answered = await Promise.race([reply, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000).unref())]);
    expect(answered?.done?.usage.completionTokens).toBe(4);
    expect(runner.status()).toMatchObject({ state: "ready", restarts: 0, lastCrash: null });
    expect(runner.status().pid).not.toBe(firstPid);
    expect(() => process.kill(firstPid, 0)).toThrow();
  });

  it("restarts a runner that stops answering health checks, and stops when idle", async () => {
    const runner = runnerFor(await tinyModel(), { pingIntervalMs: 200, pingTimeoutMs: 1500, idleMs: 60_000 });
    await collect(runner.generate({ prompt: "x" }, params({ maxTokens: 2 })));
    const pid = runner.status().pid as number;
    process.kill(pid, "SIGSTOP");
    await expect.poll(() => runner.status().restarts, { timeout: 20_000 }).toBe(1);
    expect(runner.status().lastCrash).toContain("stopped answering health checks");
    await expect.poll(() => runner.status().state, { timeout: 20_000 }).toBe("ready");

    const idle = runnerFor(await tinyModel(2), { idleMs: 300 });
    await collect(idle.generate({ prompt: "x" }, params({ maxTokens: 2 })));
    const idlePid = idle.status().pid as number;
    await expect.poll(() => idle.status().state, { timeout: 10_000 }).toBe("stopped");
    expect(() => process.kill(idlePid, 0)).toThrow();
    const again = await collect(idle.generate({ prompt: "x" }, params({ maxTokens: 2 })));
    expect(again.done?.usage.completionTokens).toBe(2);
  });

  it("without max tokens, bounds a reply by the context left after the prompt, at most 32,768 (mlx-knife 2.0.8)", async () => {
    const budget = async (asked: string, context: string, prompt: number) =>
      Number((await runPython(`import sys; sys.path.insert(0, sys.argv[1]); from runner_bridge import reply_budget; print(reply_budget(${asked}, ${context}, ${prompt}))`, [join(config.projectRoot, "python")], { PYTHONDONTWRITEBYTECODE: "1" })).trim());
    expect(await budget("None", "131072", 100)).toBe(32_768);
    expect(await budget("None", "4096", 100)).toBe(3_996);
    expect(await budget("None", "4096", 5000)).toBe(0);
    expect(await budget("None", "None", 100)).toBe(32_768);
    expect(await budget("None", "'huge'", 100)).toBe(32_768);
    expect(await budget("7", "4096", 100)).toBe(7);

    // A real reply on the tiny model (context 2048) runs until the context is full.
    const runner = runnerFor(await tinyModel());
    const { done } = await collect(runner.generate({ prompt: "Once upon a time" }, params({ temperature: 0, repetitionPenalty: null })));
    expect(done?.finishReason).toBe("length");
    expect((done?.usage.promptTokens ?? 0) + (done?.usage.completionTokens ?? 0)).toBe(2048);
  });

  it("explains a model that cannot load with its health finding, or Python's last error line", async () => {
    const sick = runnerFor(await tinyModel(1, ["truncated-shard"]));
    await expect(collect(sick.generate(hello, params({ maxTokens: 2 })))).rejects.toMatchObject({
      code: "model_not_runnable",
      message: expect.stringContaining("cannot be loaded"),
    });
    expect(sick.status()).toMatchObject({ state: "failed", pid: null });

    // Healthy on disk, wrong in substance: the shapes disagree with config.json.
    const dir = await tinyModel(3);
    const cfg = JSON.parse(await readFile(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...cfg, intermediate_size: 96 }));
    const wrong = runnerFor(dir);
    const error = await collect(wrong.generate(hello, params({ maxTokens: 2 }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "load_failed", message: expect.stringMatching(/^mlx-lm could not load tiny: ValueError: .*shape/) });
    expect((error as Error).message).not.toContain("Traceback");
  });
});

describe("a reply whose group broke", () => {
  /**
   * A group's rank 0 as the runner sees it, played out in order: rank 0 first saw a collective fail
   * (GroupFailed, naming nobody), and only the group's exit, a moment later, says which rank went.
   */
  function brokenGroup(exitAfterMs: number): ModelRunnerOptions["start"] {
    return ({ onEvent }) => {
      let exit: (value: RunnerExit) => void = () => undefined;
      const exited = new Promise<RunnerExit>((resolve) => (exit = resolve));
      const ready = { type: "ready", model_type: "llama", context_length: 64, chat_template: false, tokenizer_fix: null, load_s: 0 } as const;
      setTimeout(() => onEvent(ready), 10);
      return {
        pid: undefined,
        send(command) {
          if (command.op !== "generate") return true;
          const id = String(command.id);
          onEvent({ type: "start", id, prompt_tokens: 1, template: "none" });
          onEvent({ type: "token", id, text: "a" });
          onEvent({ type: "error", id, error_type: "GroupFailed", message: "the group failed (RuntimeError: [ring] Recv failed)" });
          setTimeout(() => exit({ code: -9, signal: "SIGKILL", detail: "rank 2 of the group left (killed by SIGKILL)", rank: 2 }), exitAfterMs);
          return true;
        },
        async stop() {
          exit({ code: 0, signal: null });
        },
        kill() {
          exit({ code: null, signal: "SIGKILL" });
        },
        exited,
        stderrTail: () => [],
      };
    };
  }

  it("names the rank the group's exit names, even when rank 0 only saw a collective fail", async () => {
    const runner = runnerFor(await tinyModel(4), { start: brokenGroup(300) });
    await expect(collect(runner.generate({ prompt: "x" }, params({ maxTokens: 8 })))).rejects.toMatchObject({
      code: "rank_lost",
      message: "tiny: rank 2 of the group left (killed by SIGKILL); the group is being restarted. The reply being generated was lost.",
    });
    expect(runner.status().lastCrash).toContain("rank 2 of the group left");
  });
});
