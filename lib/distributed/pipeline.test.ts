import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { generationParamsSchema } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { runPython } from "../testing/python";
import { copyTokenizerFiles, qwen2Config } from "../testing/sharded-qwen2";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { checkPlan } from "./plan-check";

const tempDir = useTempDirs();
const config = loadConfig();

/** A small qwen2 model (mlx-lm gives qwen2 pipeline()), random weights saved by mlx-lm with its index, the factory's tokenizer. */
async function qwen2Model(): Promise<string> {
  const root = await tempDir();
  const tokenizerSource = join(root, "tokenizer-source");
  await makeModel({ dir: tokenizerSource, seed: 9 });
  const dir = join(root, "qwen2");
  const modelConfig = qwen2Config(4);
  await runPython(
    [
      "import json, sys",
      "import mlx.core as mx",
      "from mlx_lm.models.qwen2 import Model, ModelArgs",
      "from mlx_lm.utils import save_model",
      "mx.random.seed(3)",
      "save_model(sys.argv[1], Model(ModelArgs.from_dict(json.loads(sys.argv[2]))))",
    ].join("\n"),
    [dir, JSON.stringify(modelConfig)],
  );
  await writeFile(join(dir, "config.json"), JSON.stringify(modelConfig));
  await copyTokenizerFiles(tokenizerSource, dir);
  return dir;
}

async function text(runner: ModelRunner): Promise<string> {
  let out = "";
  for await (const event of runner.generate({ prompt: "Once upon a time" }, generationParamsSchema.parse({ maxTokens: 12, temperature: 0, repetitionPenalty: null }))) {
    if (event.type === "delta") out += event.text;
  }
  return out;
}

describe("pipeline parallel (a model class with pipeline())", () => {
  it("falls back to pipeline when the heads do not divide, and answers exactly as one process", async () => {
    const modelPath = await qwen2Model();
    const single = createModelRunner({ name: "qwen2", modelPath, config });
    onTestFinished(() => single.stop());
    const alone = await text(single);
    expect(alone.length).toBeGreaterThan(0);
    await single.stop();

    // 4 heads do not divide by 3 ranks; qwen2 has pipeline() and 4 layers, so the plan splits the layers.
    const plan = await checkPlan({ modelPath, name: "qwen2", request: { ranks: 3 }, config });
    expect(plan.mode).toBe("pipeline");
    await expect(checkPlan({ modelPath, name: "qwen2", request: { ranks: 3, mode: "tensor" }, config })).rejects.toMatchObject({
      code: "tensor_parallel_heads",
      hint: expect.stringContaining("or pipeline parallel (--mode pipeline)"),
    });
    await expect(checkPlan({ modelPath, name: "qwen2", request: { ranks: 5, mode: "pipeline" }, config })).rejects.toMatchObject({ code: "pipeline_layers" });

    const group = createDistributedRunner({ name: "qwen2", modelPath, config, plan });
    onTestFinished(() => group.stop());
    // A pipeline passes the hidden state whole from stage to stage: no sum is split, so the result is the same to the bit.
    expect(await text(group)).toBe(alone);
    expect(group.status().group).toMatchObject({ mode: "pipeline", ranks: 3 });
  });
});
