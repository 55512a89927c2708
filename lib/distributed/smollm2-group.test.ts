import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { pathExists } from "../fs/path-exists";
import { generationParamsSchema, type GenerationInput } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { defaultModelsDir, SMOLLM2 } from "../smollm2/prepare-smollm2";
import { createDistributedRunner } from "./distributed-runner";
import { checkPlan } from "./plan-check";

const config = loadConfig();
const modelPath = join(defaultModelsDir(config), SMOLLM2.name);
const greedy = generationParamsSchema.parse({ maxTokens: 16, temperature: 0, repetitionPenalty: null });
const question: GenerationInput = { messages: [{ role: "user", content: "Why is the sky blue?" }] };

async function reply(runner: ModelRunner) {
  let text = "";
  for await (const event of runner.generate(question, greedy)) {
    if (event.type === "delta") text += event.text;
    if (event.type === "done") return { text, tokens: event.usage.completionTokens };
  }
  throw new Error("the reply ended without done");
}

// SmolLM2-135M generates a few tokens a second on a small CPU, and three ranks on two cores
// wait on each other 60 times a token (two all-reduces per layer): this file takes about a minute.
describe("SmolLM2 across three ranks (tensor parallel: 9 heads and 3 key/value heads, 3 each and 1 each)", () => {
  it("gives the same first 16 greedy tokens as one process", { timeout: 300_000 }, async () => {
    if (!(await pathExists(join(modelPath, "config.json")))) throw new Error(`${modelPath} is missing: run npm run setup, which prepares SmolLM2`);
    const single = createModelRunner({ name: "SmolLM2", modelPath, config });
    onTestFinished(() => single.stop());
    const alone = await reply(single);
    await single.stop();

    const plan = await checkPlan({ modelPath, name: "SmolLM2", request: { ranks: 3 }, config });
    const group = createDistributedRunner({ name: "SmolLM2", modelPath, config, plan });
    onTestFinished(() => group.stop());
    const grouped = await reply(group);

    expect(alone.tokens).toBe(16);
    expect(alone.text.length).toBeGreaterThan(40);
    expect(grouped).toEqual(alone);
    expect(group.status().group?.members).toHaveLength(3);
  });
});
