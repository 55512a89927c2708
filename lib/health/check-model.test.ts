import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFECT_IDS, type DefectId } from "../factory/defects";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { checkModel } from "./check-model";

const tempDir = useTempDirs();

async function model(defects: DefectId[] = [], shards = 2, name = "model") {
  const dir = join(await tempDir(), name);
  await makeModel({ dir, shards, defects });
  return dir;
}

describe("checkModel", () => {
  it("finds nothing wrong with healthy single-file and sharded models", async () => {
    for (const shards of [1, 3]) {
      const report = await checkModel(await model([], shards));
      expect(report.findings).toEqual([]);
      expect(report.healthy).toBe(true);
      expect(report.reason).toBe(shards === 1 ? "Model is healthy" : "Multi-file model complete");
      expect(report.managed).toBe(false);
    }
  });

  // Each factory defect is detected under the expected id, with evidence pointing at it.
  const expected: Record<DefectId, { id: string; evidence: Record<string, unknown> }> = {
    "index-missing-shards": { id: "index-shard-mismatch", evidence: { file: "model.safetensors.index.json" } },
    "index-stale-layout": { id: "index-shard-mismatch", evidence: { tensors: ["model.layers.0.self_attn.rotary_emb.inv_freq"] } },
    "index-missing-keys": { id: "index-missing-keys", evidence: { file: "model.safetensors.index.json" } },
    "duplicate-key": { id: "duplicate-tensor", evidence: { tensors: ["model.embed_tokens.weight"] } },
    "shards-without-index": { id: "index-missing", evidence: { files: ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"] } },
    "weights-npz": { id: "weights-npz", evidence: { files: ["weights.npz"] } },
    "eos-token-id-null": { id: "eos-token-id-null", evidence: { field: "eos_token_id" } },
    "video-processor-null": { id: "video-processor-null", evidence: { field: "video_processor" } },
    "whisper-no-preprocessor": { id: "preprocessor-config-missing", evidence: { file: "preprocessor_config.json" } },
    "no-model-type": { id: "model-type-missing", evidence: { field: "model_type" } },
    "tokenizer-json-missing": { id: "tokenizer-json-missing", evidence: { file: "tokenizer.json" } },
    "truncated-shard": { id: "shard-truncated", evidence: { file: "model-00002-of-00002.safetensors" } },
    "lfs-pointer": { id: "lfs-pointer", evidence: { files: ["model-00002-of-00002.safetensors"] } },
    "partial-download": { id: "partial-download", evidence: { files: ["model-00002-of-00002.safetensors.incomplete"] } },
    "tokenizer-regex-bug": { id: "tokenizer-regex", evidence: { file: "tokenizer.json", field: "pre_tokenizer" } },
    "chat-template-missing": { id: "chat-template-missing", evidence: { field: "chat_template" } },
    "chat-template-broken": { id: "chat-template-broken", evidence: { field: "chat_template" } },
    "chat-template-endless-loop": { id: "chat-template-broken", evidence: { field: "chat_template" } },
    "chat-template-huge-range": { id: "chat-template-broken", evidence: { field: "chat_template" } },
    "chat-template-memory-bomb": { id: "chat-template-broken", evidence: { field: "chat_template" } },
    "safetensors-no-metadata": { id: "safetensors-metadata-missing", evidence: { files: ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"] } },
    "quantization-config-stale": { id: "quantization-mismatch", evidence: { field: "quantization" } },
    "quantized-without-config": { id: "quantization-mismatch", evidence: { tensors: ["model.layers.0.self_attn.q_proj.scales"] } },
    "quantization-shape-mismatch": { id: "quantization-mismatch", evidence: { tensors: ["model.layers.0.self_attn.q_proj.weight"] } },
    "vocab-size-too-small": { id: "vocab-size-mismatch", evidence: { field: "vocab_size" } },
    "embedding-rows-mismatch": { id: "vocab-size-mismatch", evidence: { tensor: "model.embed_tokens.weight" } },
    "lm-head-with-tied-embeddings": { id: "tied-embeddings-mismatch", evidence: { tensor: "lm_head.weight" } },
    "lm-head-missing": { id: "tied-embeddings-mismatch", evidence: { tensor: "lm_head.weight" } },
    "missing-parameter": { id: "missing-parameters", evidence: { tensors: ["model.layers.1.mlp.up_proj.weight"] } },
    "unexpected-parameter": { id: "unexpected-parameters", evidence: { tensors: ["model.vision_tower.patch_embed.weight"] } },
    "eos-turn-token-missing": { id: "eos-token-mismatch", evidence: { file: "generation_config.json" } },
    "model-type-unknown": { id: "model-type-unsupported", evidence: { field: "model_type" } },
    "config-layers-absurd": { id: "config-number-invalid", evidence: { file: "config.json", field: "num_hidden_layers" } },
    "index-wrong-shard": { id: "index-wrong-shard", evidence: { tensors: ["model.embed_tokens.weight"] } },
    "index-invalid-json": { id: "index-invalid", evidence: { file: "model.safetensors.index.json" } },
    "config-missing": { id: "config-missing", evidence: { file: "config.json" } },
    "config-invalid-json": { id: "config-invalid", evidence: { file: "config.json" } },
    "tokenizer-config-invalid": { id: "tokenizer-config-invalid", evidence: { file: "tokenizer_config.json" } },
    "empty-shard": { id: "shard-empty", evidence: { file: "model-00002-of-00002.safetensors" } },
    "corrupt-shard-header": { id: "shard-corrupt", evidence: { file: "model-00002-of-00002.safetensors" } },
    "broken-symlink": { id: "broken-link", evidence: { files: ["model-00002-of-00002.safetensors"] } },
    "no-weights": { id: "no-weights", evidence: {} },
    "missing-shard": { id: "shards-missing", evidence: { files: ["model-00002-of-00002.safetensors"] } },
    "config-links-outside": { id: "unsafe-file", evidence: { files: ["config.json"] } },
    "config-secret-text": { id: "config-invalid", evidence: { file: "config.json" } },
    "tokenizer-fifo": { id: "unsafe-file", evidence: { files: ["tokenizer.json"] } },
    "folder-link-loops": { id: "unsafe-file", evidence: { files: ["root", "x", "y"] } },
  };

  for (const defect of DEFECT_IDS) {
    it(`detects ${defect}`, async () => {
      // The missing-template check goes by name: only instruct models need one.
      const report = await checkModel(await model([defect], 2, defect === "chat-template-missing" ? "tiny-instruct" : "model"));
      const finding = report.findings.find((f) => f.id === expected[defect].id);
      expect(finding, JSON.stringify(report.findings, null, 2)).toBeDefined();
      expect(finding?.evidence).toMatchObject(expected[defect].evidence);
      if (finding?.severity === "blocks-loading") {
        expect(report.healthy).toBe(false);
        expect(report.reason).toBe(report.findings.find((f) => f.severity === "blocks-loading")?.reason);
      }
    });
  }

  it("explains the mlx-vlm #624 shape with mlx-knife's reason and the repair command", async () => {
    const dir = await model(["index-missing-shards"]);
    const report = await checkModel(dir);
    expect(report.reason).toMatch(/^Index\/shard mismatch \(mlx-vlm #624\)\. Index references 3 shards but found 2 different files\./);
    const finding = report.findings[0];
    expect(finding?.repair).toBe("repair-index");
    expect(finding?.hint).toBe(`whet convert ${dir} ${dir}-fixed --repair-index`);
  });

  it("tells missing data apart from a wrong index", async () => {
    const dir = await model([], 3);
    await rm(join(dir, "model-00003-of-00003.safetensors"));
    const report = await checkModel(dir);
    expect(report.findings.map((f) => f.id)).toEqual(["shards-missing"]);
    expect(report.findings[0]?.repair).toBeNull();
  });

  it("reads only headers, never tensor data", async () => {
    const dir = await model([], 2);
    const report = await checkModel(dir);
    const index = JSON.parse(await readFile(join(dir, "model.safetensors.index.json"), "utf8")) as { metadata: { total_size: number } };
    expect(report.bytesRead).toBeLessThan(index.metadata.total_size / 10);
  });

  // Issue #10: a template is a stranger's program; rendering it must not stop this process.
  it("answers hostile chat templates within seconds and keeps rendering normal ones", async () => {
    const cases = [
      { defect: "chat-template-endless-loop", message: /took too long to render \(over 2 s\); it may loop/ },
      { defect: "chat-template-huge-range", message: /needs more than 64 MB of memory to render/ },
      { defect: "chat-template-memory-bomb", message: /needs more than 64 MB of memory to render/ },
    ] as const;
    for (const { defect, message } of cases) {
      const dir = await model([defect], 1);
      const started = performance.now();
      const report = await checkModel(dir);
      expect(performance.now() - started).toBeLessThan(6000);
      expect(report.findings.find((f) => f.id === "chat-template-broken")?.message).toMatch(message);
      // The same template again is answered from what was learnt, without waiting it out.
      const again = performance.now();
      await checkModel(dir);
      expect(performance.now() - again).toBeLessThan(500);
      expect((await checkModel(await model([], 1))).findings).toEqual([]);
    }
  });

  it("refuses a path that is not a folder, with a fix", async () => {
    await expect(checkModel(join(await tempDir(), "nope"))).rejects.toMatchObject({ code: "model_path_not_found" });
  });
});
