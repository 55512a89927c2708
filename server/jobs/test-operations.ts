import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { WhetError } from "../../lib/errors";
import { defineOperation, type BaseProgress } from "../../lib/operations/operation";

export type StepProgress = BaseProgress & { unit: "steps" };
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Counts to `steps`, one step every `stepMs`, keeping its count in a file so a
 * new run continues where the last one stopped: a small resumable operation.
 */
const count = defineOperation({
  kind: "count",
  queue: "downloads",
  input: z.object({ file: z.string(), steps: z.number().int(), stepMs: z.number().int().default(5), failAt: z.number().int().optional() }),
  resumable: true,
  title: (input) => `Count to ${input.steps}`,
  key: (input) => input.file,
  async *run(input, deps): AsyncGenerator<StepProgress, { counted: number; resumedFrom: number }> {
    const start = Number(await readFile(input.file, "utf8").catch(() => "0"));
    for (let i = start; i < input.steps; i++) {
      deps.signal.throwIfAborted();
      if (i === input.failAt) throw new WhetError("count_failed", `Counting failed at ${i}`, "Try again.");
      await sleep(input.stepMs);
      await writeFile(input.file, String(i + 1));
      yield { phase: "counting", done: i + 1, total: input.steps, unit: "steps" };
    }
    return { counted: input.steps, resumedFrom: start };
  },
  async discard(input) {
    await writeFile(input.file, "discarded");
  },
});

/** Waits for a gate file to say "go": a job that runs until a test lets it finish. */
const wait = defineOperation({
  kind: "wait",
  queue: "conversions",
  input: z.object({ gate: z.string() }),
  resumable: false,
  title: () => "Wait",
  key: (input) => input.gate,
  async *run(input, deps): AsyncGenerator<StepProgress, string> {
    yield { phase: "waiting", done: 0, total: 1, unit: "steps" };
    while ((await readFile(input.gate, "utf8").catch(() => "")) !== "go") {
      deps.signal.throwIfAborted();
      await sleep(5);
    }
    return "went";
  },
});

/** Small real operations for the job runtime's tests (a resumable one and one that is not). */
export const operations = { count, wait };
