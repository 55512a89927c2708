import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { generationParamsSchema, type GenerationParamsInput } from "../runner/generation-params";
import type { ModelRunner } from "../runner/model-runner";
import type { RunEvent } from "../runner/run-events";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { checkPlan } from "./plan-check";
import { processStats } from "./process-stats";

const tempDir = useTempDirs();
const config = loadConfig();
const greedy = (p: GenerationParamsInput = {}) => generationParamsSchema.parse({ temperature: 0, repetitionPenalty: null, ...p });

async function tinyGroup(ranks = 2) {
  const modelPath = join(await tempDir(), "tiny");
  await makeModel({ dir: modelPath, seed: 7 });
  const plan = await checkPlan({ modelPath, name: "tiny", request: { ranks }, config });
  const runner = createDistributedRunner({ name: "tiny", modelPath, config, plan, pingIntervalMs: 500, pingTimeoutMs: 10_000 });
  onTestFinished(() => runner.stop());
  return { runner };
}

async function collect(stream: AsyncIterable<RunEvent>, onDelta?: (count: number) => void) {
  let text = "";
  let deltas = 0;
  let done: Extract<RunEvent, { type: "done" }> | null = null;
  for await (const event of stream) {
    if (event.type === "delta") {
      text += event.text;
      onDelta?.(++deltas);
    }
    if (event.type === "done") done = event;
  }
  return { text, done };
}

/** Every process of the group: the launcher leads a process group, and each local rank is in it. */
async function groupProcesses(runner: ModelRunner) {
  const { pid, group } = runner.status();
  const ranks = (group?.members ?? []).map((m) => m.pid as number);
  return { pgid: pid as number, ranks, alive: await processStats({ pids: [pid as number, ...ranks] }) };
}

describe("distributed runner (mlx.launch, ring backend on loopback)", () => {
  it("answers, stops every rank at the same token, and idles without spinning", async () => {
    const { runner } = await tinyGroup();
    const prompt = { prompt: "Once upon a time" };

    const first = await collect(runner.generate(prompt, greedy({ maxTokens: 24 })));
    expect(first.done).toMatchObject({ finishReason: "length", usage: { completionTokens: 24 } });
    expect(runner.status()).toMatchObject({ state: "ready", group: { mode: "tensor", ranks: 2, hosts: ["127.0.0.1", "127.0.0.1"] } });
    expect(runner.status().group?.members?.map((m) => m.rank)).toEqual([0, 1]);

    // A stopped reply stops on every rank at the same token: had one rank gone on, the next
    // reply's collectives would pair up wrongly (a different text) or never meet (a hang).
    const controller = new AbortController();
    const stopped = await collect(
      runner.generate(prompt, greedy({ maxTokens: 100_000 }), controller.signal),
      (n) => n === 3 && controller.abort(),
    );
    expect(stopped.done?.finishReason).toBe("cancelled");
    expect((await collect(runner.generate(prompt, greedy({ maxTokens: 24 })))).text).toBe(first.text);
    // A stop string is found by rank 0 alone; every rank leaves at that token.
    const stop = first.text.slice(5, 8);
    const cut = await collect(runner.generate(prompt, greedy({ maxTokens: 24, stop: [stop] })));
    expect(cut).toMatchObject({ text: first.text.slice(0, first.text.indexOf(stop)), done: { finishReason: "stop" } });
    expect((await collect(runner.generate(prompt, greedy({ maxTokens: 24 })))).text).toBe(first.text);

    // Idle, the group takes no CPU: neither the ranks (waiting on a socket, not in a collective) nor mlx.launch.
    const before = await groupProcesses(runner);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await groupProcesses(runner);
    const cpu = (rows: typeof before.alive) => rows.reduce((n, r) => n + r.cpuSeconds, 0);
    expect(before.alive).toHaveLength(3);
    expect(cpu(after.alive) - cpu(before.alive)).toBeLessThan(1);
  });

  it("reports a rank killed mid-reply on that reply, restarts the whole group, and leaves no process after stop", async () => {
    const { runner } = await tinyGroup();
    await collect(runner.generate({ prompt: "Warm" }, greedy({ maxTokens: 2 })));
    const first = await groupProcesses(runner);

    const killed = collect(
      runner.generate({ prompt: "Once upon a time" }, greedy({ maxTokens: 100_000 })),
      (n) => n === 3 && process.kill(first.ranks[1] as number, "SIGKILL"),
    );
    // Rank 0 may learn of the loss from rank 1's connection or first from a failed collective; the reply waits for the group's exit, which names the rank either way.
    const error = await killed.then(() => null, (e: unknown) => e as { code: string; message: string });
    expect(error).toMatchObject({ code: "rank_lost", message: expect.stringContaining("rank 1 of the group left (killed by SIGKILL)") });

    // The next request finds a new group: every old process is gone, the new one answers.
    const next = await collect(runner.generate({ prompt: "Again" }, greedy({ maxTokens: 8 })));
    expect(next.done?.usage.completionTokens).toBe(8);
    expect(runner.status()).toMatchObject({ restarts: 1, lastCrash: expect.stringContaining("rank 1") });
    expect(await processStats({ pids: [first.pgid, ...first.ranks] })).toEqual([]);
    expect(await processStats({ pgid: first.pgid })).toEqual([]);

    const second = await groupProcesses(runner);
    expect(second.alive).toHaveLength(3);
    await runner.stop();
    expect(await processStats({ pids: [second.pgid, ...second.ranks] })).toEqual([]);
    expect(await processStats({ pgid: second.pgid })).toEqual([]);
  });

  it("stops a group that is still loading, leaving no process", async () => {
    const { runner } = await tinyGroup();
    runner.warm();
    await expect.poll(() => runner.status().pid, { timeout: 10_000 }).not.toBeNull();
    const pgid = runner.status().pid as number;
    await expect.poll(async () => (await processStats({ pgid })).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await runner.stop();
    expect(runner.status().state).toBe("stopped");
    expect(await processStats({ pgid })).toEqual([]);
  });
});
