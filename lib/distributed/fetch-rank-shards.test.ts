import { copyFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { generationParamsSchema } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { operationDeps } from "../testing/operation-deps";
import { runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { fetchRankShards } from "./fetch-rank-shards";
import { checkPlan } from "./plan-check";

const tempDir = useTempDirs();
const config = loadConfig();

const shard = (n: number) => `model-0000${n}-of-00004.safetensors`;

/**
 * A qwen2 model (mlx-lm gives qwen2 pipeline()) of 6 layers in four shards laid out so that, split over
 * two ranks (rank 1 runs layers 0-2, rank 0 layers 3-5), each rank needs three: layers 0-1 (rank 1 only),
 * layers 2-3 (both: the stages meet inside it), layers 4-5 (rank 0 only), the embeddings and norm (both).
 */
async function shardedQwen2(root: string): Promise<string> {
  const tokenizerSource = join(root, "tokenizer-source");
  await makeModel({ dir: tokenizerSource, seed: 5 });
  const dir = join(root, "piped");
  const modelConfig = {
    model_type: "qwen2",
    hidden_size: 64,
    num_hidden_layers: 6,
    intermediate_size: 128,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-6,
    vocab_size: 512,
    max_position_embeddings: 2048,
    tie_word_embeddings: true,
  };
  await runPython(
    [
      "import json, os, re, sys",
      "import mlx.core as mx",
      "from mlx.utils import tree_flatten",
      "from mlx_lm.models.qwen2 import Model, ModelArgs",
      "mx.random.seed(11)",
      "out, config = sys.argv[1], json.loads(sys.argv[2])",
      "weights = dict(tree_flatten(Model(ModelArgs.from_dict(config)).parameters()))",
      "def shard(key):",
      "    m = re.search(r'layers\\.(\\d+)\\.', key)",
      "    return 4 if m is None else int(m.group(1)) // 2 + 1",
      "os.makedirs(out, exist_ok=True)",
      "weight_map = {}",
      "for n in range(1, 5):",
      "    name = f'model-{n:05d}-of-00004.safetensors'",
      "    part = {k: v for k, v in weights.items() if shard(k) == n}",
      "    mx.save_safetensors(os.path.join(out, name), part, metadata={'format': 'mlx'})",
      "    weight_map.update({k: name for k in part})",
      "total = sum(v.nbytes for v in weights.values())",
      "json.dump({'metadata': {'total_size': total}, 'weight_map': dict(sorted(weight_map.items()))}, open(os.path.join(out, 'model.safetensors.index.json'), 'w'), indent=4)",
      "json.dump(config, open(os.path.join(out, 'config.json'), 'w'))",
    ].join("\n"),
    [dir, JSON.stringify(modelConfig)],
  );
  for (const file of ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]) await copyFile(join(tokenizerSource, file), join(dir, file));
  await writeFile(join(dir, "README.md"), "A small pipeline test model.\n");
  return dir;
}

async function text(runner: ModelRunner): Promise<string> {
  let out = "";
  for await (const event of runner.generate({ prompt: "Once upon a time" }, generationParamsSchema.parse({ maxTokens: 12, temperature: 0, repetitionPenalty: null }))) {
    if (event.type === "delta") out += event.text;
  }
  return out;
}

describe("a pipeline group whose ranks fetch only the shards their layers need", () => {
  it("fetches each rank its own shards from the Hub, never the others', and answers as one process", { timeout: 120_000 }, async () => {
    const root = await tempDir();
    const source = await shardedQwen2(root);
    const hub = await startHubFixture({ repos: [{ id: "acme/piped", revisions: [{ dir: source }] }] });
    onTestFinished(() => hub.close());
    const caches = [join(root, "rank0", "hub"), join(root, "rank1", "hub")];

    const fetched = await fetchRankShards({ repo: "acme/piped", hubCaches: caches, deps: operationDeps({ hubUrl: hub.url, hubCache: caches[0] as string }) });
    expect(fetched.shards).toEqual([
      [shard(2), shard(3), shard(4)],
      [shard(1), shard(2), shard(4)],
    ]);
    for (const [rank, path] of fetched.modelPaths.entries()) {
      expect(path.startsWith(caches[rank] as string)).toBe(true);
      const files = await readdir(path);
      expect(files.filter((f) => f.endsWith(".safetensors")).sort()).toEqual(fetched.shards[rank]);
      expect(files).toEqual(expect.arrayContaining(["config.json", "model.safetensors.index.json", "tokenizer.json"]));
      expect(files).not.toContain("README.md");
    }
    // Each shard was downloaded once per rank that needs it: the one only rank 1 needs was never asked for by rank 0.
    const gets = (file: string) => hub.requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/") && r.path.endsWith(`/${file}`)).length;
    expect([1, 2, 3, 4].map((n) => gets(shard(n)))).toEqual([1, 2, 1, 2]);

    const single = createModelRunner({ name: "piped", modelPath: source, config });
    onTestFinished(() => single.stop());
    const alone = await text(single);
    expect(alone.length).toBeGreaterThan(0);
    await single.stop();

    // Rank 0's copy lacks layers 0-1: it is refused as the copy of a rank that needs them.
    await expect(checkPlan({ modelPath: fetched.modelPaths[0] as string, name: "piped", request: { ranks: 2, rankModelPaths: [...fetched.modelPaths].reverse() }, config })).rejects.toMatchObject({
      code: "rank_shards_missing",
      message: expect.stringContaining(`Rank 0's copy of piped lacks ${shard(3)}`),
    });
    const plan = await checkPlan({ modelPath: fetched.modelPaths[0] as string, name: "piped", request: { ranks: 2, rankModelPaths: fetched.modelPaths }, config });
    expect(plan).toMatchObject({ mode: "pipeline", rankModels: { paths: fetched.modelPaths, shards: fetched.shards } });
    const group = createDistributedRunner({ name: "piped", modelPath: fetched.modelPaths[0] as string, config, plan });
    onTestFinished(() => group.stop());
    // A pipeline passes the hidden state whole from stage to stage: the same tokens to the bit.
    expect(await text(group)).toBe(alone);
  });
});
