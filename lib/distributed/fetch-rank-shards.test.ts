import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { generationParamsSchema } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { operationDeps } from "../testing/operation-deps";
import { shard, shardedQwen2 } from "../testing/sharded-qwen2";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { fetchRankShards } from "./fetch-rank-shards";
import { checkPlan } from "./plan-check";

const tempDir = useTempDirs();
const config = loadConfig();

async function text(runner: ModelRunner): Promise<string> {
  let out = "";
  for await (const event of runner.generate({ prompt: "Once upon a time" }, generationParamsSchema.parse({ maxTokens: 12, temperature: 0, repetitionPenalty: null }))) {
    if (event.type === "delta") out += event.text;
  }
  return out;
}

describe("a pipeline group whose ranks fetch only the shards their layers need", () => {
  it("fetches each rank its own shards from the Hub, never the others', and answers as one process", async () => {
    const root = await tempDir();
    const source = await shardedQwen2(root);
    const hub = await startHubFixture({ repos: [{ id: "acme/piped", revisions: [{ dir: source }] }] });
    onTestFinished(() => hub.close());
    const caches = [join(root, "rank0", "hub"), join(root, "rank1", "hub")];

    const fetched = await fetchRankShards({ repo: "acme/piped", targets: caches.map((hubCache) => ({ hubCache })), deps: operationDeps({ hubUrl: hub.url, hubCache: caches[0] as string }) });
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
