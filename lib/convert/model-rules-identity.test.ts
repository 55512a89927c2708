import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { writeSafetensors } from "../safetensors/write-safetensors";
import { expectSameModel } from "../testing/expect-same-model";
import { runPythonScript } from "../testing/python-script";
import { transformWeights } from "./transform-weights";
import { weightWorkerScript } from "./weight-pool";
import type { WeightMode } from "./weight-plan";

/**
 * The per-model rules of lib/quantize/model-rules.ts against mlx-lm itself:
 * tiny sources built from mlx-lm's own model classes (so their tensors are
 * exactly what its loader expects), converted by Whetstone and by
 * `mlx_lm.convert` with the same options, must come out byte for byte the
 * same, config.json included, and generate the same greedy tokens.
 */
let root: string;
const roots = { hubCache: "/nonexistent/hub", hfHome: "/nonexistent" };
const workerScript = weightWorkerScript(loadConfig().projectRoot);

const BASE = {
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 512,
  rms_norm_eps: 1e-6,
  max_position_embeddings: 2048,
  rope_theta: 10000.0,
  tie_word_embeddings: false,
  torch_dtype: "bfloat16",
};
const MOE = { n_routed_experts: 4, n_shared_experts: 1, num_experts_per_tok: 2, moe_intermediate_size: 64, first_k_dense_replace: 1 };
const MLA = { q_lora_rank: 32, kv_lora_rank: 64, qk_rope_head_dim: 16, qk_nope_head_dim: 64, v_head_dim: 32 };
const DEEPSEEK_V3 = { ...BASE, ...MOE, ...MLA, n_group: 1, topk_group: 1, routed_scaling_factor: 2.5 };

interface Source {
  config: Record<string, unknown>;
  /** Tensor-name parts the source stores in float32, as real checkpoints do. */
  float32?: string[];
}

const SOURCES: Record<string, Source> = {
  // q/k/v projections with biases.
  qwen2: { config: { ...BASE, model_type: "qwen2" } },
  // q_norm/k_norm, tied embeddings (no lm_head).
  qwen3: { config: { ...BASE, model_type: "qwen3", head_dim: 16, tie_word_embeddings: true } },
  // quant_predicate: mlp.gate at 8 bits; experts as stacked switch_mlp tensors; layer 0 dense.
  qwen3_moe: {
    config: {
      ...BASE,
      model_type: "qwen3_moe",
      head_dim: 16,
      num_experts: 4,
      num_experts_per_tok: 2,
      decoder_sparse_step: 1,
      mlp_only_layers: [0],
      moe_intermediate_size: 64,
      norm_topk_prob: true,
    },
  },
  // The router gate is a bare weight (MoEGate has no to_quantized).
  deepseek: { config: { ...BASE, ...MOE, model_type: "deepseek" } },
  // cast_predicate keeps e_score_correction_bias in float32; MLA's embed_q/unembed_out are
  // 3-D MultiLinear layers that do quantize; q_b_proj (input 32) only at group size 32.
  deepseek_v3: { config: { ...DEEPSEEK_V3, model_type: "deepseek_v3" }, float32: ["e_score_correction_bias"] },
  // mlx-lm's MODEL_REMAPPING loads it as deepseek_v3, with that class's rules.
  kimi_k2: { config: { ...DEEPSEEK_V3, model_type: "kimi_k2" }, float32: ["e_score_correction_bias"] },
  // Loaded as minimax: block_sparse_moe.gate at 8 bits, e_score_correction_bias kept.
  minimax_m2: {
    config: { ...BASE, model_type: "minimax_m2", head_dim: 16, rotary_dim: 8, num_local_experts: 4, num_experts_per_tok: 2, shared_intermediate_size: 0, intermediate_size: 64 },
    float32: ["e_score_correction_bias"],
  },
  // Mamba, attention, dense and MoE layers: A_log and e_score_correction_bias kept, mixer.gate a bare weight.
  nemotron_h: {
    config: {
      ...BASE,
      ...MOE,
      model_type: "nemotron_h",
      hybrid_override_pattern: ["M", "*", "-", "E"],
      num_hidden_layers: 4,
      head_dim: 16,
      attention_bias: false,
      mamba_num_heads: 4,
      mamba_head_dim: 16,
      mamba_proj_bias: false,
      ssm_state_size: 16,
      conv_kernel: 4,
      n_groups: 1,
      mlp_bias: false,
      layer_norm_epsilon: 1e-5,
      use_bias: false,
      use_conv_bias: true,
      moe_shared_expert_intermediate_size: 64,
      n_group: 1,
      topk_group: 1,
      norm_topk_prob: true,
      routed_scaling_factor: 1.5,
    },
    float32: ["e_score_correction_bias", "A_log"],
  },
  // quant_predicate: the router's classifier at 8 bits; e_score_correction_bias kept; MLA.
  longcat_flash: {
    config: {
      ...BASE,
      ...MLA,
      model_type: "longcat_flash",
      attention_method: "MLA",
      zero_expert_type: "identity",
      ffn_hidden_size: 128,
      moe_topk: 2,
      expert_ffn_hidden_size: 64,
      n_routed_experts: 4,
      zero_expert_num: 2,
      num_layers: 1,
      routed_scaling_factor: 1.5,
      mla_scale_q_lora: true,
      mla_scale_kv_lora: true,
      attention_bias: false,
    },
    float32: ["e_score_correction_bias"],
  },
  // quant_predicate: o_proj, down_proj and lm_head at 8 bits.
  granite: {
    config: {
      ...BASE,
      model_type: "granite",
      logits_scaling: 4.0,
      attention_multiplier: 0.0625,
      embedding_multiplier: 12.0,
      residual_multiplier: 0.22,
      attention_bias: false,
      mlp_bias: false,
    },
  },
};

interface Run {
  id: string;
  source: keyof typeof SOURCES;
  options: WeightMode;
  /** mlx_lm.convert's keyword arguments for the same conversion. */
  reference: Record<string, unknown>;
}

const q = (bits: number, groupSize: number, dtype?: "float16"): Pick<Run, "options" | "reference"> => ({
  options: { mode: "quantize", bits, groupSize, groupSizeGiven: groupSize, ...(dtype ? { dtype } : {}) },
  reference: { quantize: true, q_bits: bits, q_group_size: groupSize, ...(dtype ? { dtype } : {}) },
});

const RUNS: Run[] = [
  { id: "qwen2-q4", source: "qwen2", ...q(4, 64) },
  { id: "qwen2-q3g32", source: "qwen2", ...q(3, 32) },
  { id: "qwen3-q4", source: "qwen3", ...q(4, 64) },
  { id: "qwen3-q6g32", source: "qwen3", ...q(6, 32) },
  { id: "qwen3_moe-q4", source: "qwen3_moe", ...q(4, 64) },
  { id: "qwen3_moe-q2g32", source: "qwen3_moe", ...q(2, 32) },
  {
    id: "qwen3_moe-mixed36",
    source: "qwen3_moe",
    options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: null, recipe: "mixed_3_6" },
    reference: { quantize: true, quant_predicate: "mixed_3_6" },
  },
  { id: "deepseek-q4", source: "deepseek", ...q(4, 64) },
  { id: "deepseek-q8g32", source: "deepseek", ...q(8, 32) },
  { id: "deepseek_v3-q4", source: "deepseek_v3", ...q(4, 64) },
  { id: "deepseek_v3-q4g32-f16", source: "deepseek_v3", ...q(4, 32, "float16") },
  { id: "deepseek_v3-f16", source: "deepseek_v3", options: { mode: "dtype", dtype: "float16" }, reference: { dtype: "float16" } },
  // A recipe writes an entry for every layer, so config.json also shows MLA's and the MoE block's parameter order.
  {
    id: "deepseek_v3-mixed26",
    source: "deepseek_v3",
    options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: null, recipe: "mixed_2_6" },
    reference: { quantize: true, quant_predicate: "mixed_2_6" },
  },
  { id: "kimi_k2-q4g32-f16", source: "kimi_k2", ...q(4, 32, "float16") },
  { id: "minimax_m2-q4", source: "minimax_m2", ...q(4, 64) },
  { id: "minimax_m2-q3g32", source: "minimax_m2", ...q(3, 32) },
  { id: "nemotron_h-q4", source: "nemotron_h", ...q(4, 64) },
  { id: "nemotron_h-q6g32-f16", source: "nemotron_h", ...q(6, 32, "float16") },
  {
    id: "nemotron_h-mixed46",
    source: "nemotron_h",
    options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: 64, recipe: "mixed_4_6" },
    reference: { quantize: true, q_group_size: 64, quant_predicate: "mixed_4_6" },
  },
  { id: "longcat_flash-q4", source: "longcat_flash", ...q(4, 64) },
  { id: "longcat_flash-q8g32-f16", source: "longcat_flash", ...q(8, 32, "float16") },
  { id: "granite-q4", source: "granite", ...q(4, 64) },
  { id: "granite-q5g32", source: "granite", ...q(5, 32) },
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-model-rules-"));
  // The factory's tokenizer, so that mlx_lm.convert (which loads one) accepts each folder.
  const tokenizer = await makeModel({ dir: join(root, "tokenizer") });
  const tokens = { bos_token_id: tokenizer.config.bos_token_id, eos_token_id: tokenizer.config.eos_token_id };
  const sources = [];
  for (const [i, [type, source]] of Object.entries(SOURCES).entries()) {
    const dir = join(root, "src", type);
    await mkdir(dir, { recursive: true });
    for (const file of ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]) await copyFile(join(root, "tokenizer", file), join(dir, file));
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...source.config, ...tokens }, null, 2));
    sources.push({ dir, seed: i + 1, float32: source.float32 ?? [] });
  }
  const runs = RUNS.map((run) => ({ hf_path: join(root, "src", run.source), mlx_path: join(root, "theirs", run.id), ...run.reference }));
  await writeFile(join(root, "spec.json"), JSON.stringify({ sources, runs }));
  await runPythonScript("mlx_lm_model_reference.py", [join(root, "spec.json")]);
  for (const run of RUNS) {
    await transformWeights({ source: join(root, "src", run.source), target: join(root, "ours", run.id), roots, options: run.options, workerScript, skipHealth: true });
  }
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function header(run: string): Promise<Map<string, { dtype: string; shape: number[] }>> {
  const h = await readSafetensorsHeader(join(root, "ours", run, "model.safetensors"));
  return new Map(h.tensors.map((t) => [t.name, { dtype: t.dtype, shape: t.shape }]));
}

async function quantization(run: string): Promise<Record<string, unknown>> {
  const config = JSON.parse(await readFile(join(root, "ours", run, "config.json"), "utf8")) as { quantization: Record<string, unknown>; quantization_config: unknown };
  expect(config.quantization_config).toEqual(config.quantization);
  return config.quantization;
}

describe("Whetstone's conversions of non-llama models equal mlx_lm.convert's", () => {
  for (const run of RUNS) {
    it(`${run.id}: same tensors (names, shapes, dtypes, bytes), config.json and index`, async () => {
      await expectSameModel(join(root, "ours", run.id), join(root, "theirs", run.id));
    });
  }

  it("mlx-lm loads ours and generates the same greedy tokens as from its own", async () => {
    const ids = RUNS.filter((r) => r.id.endsWith("-q4")).map((r) => r.id);
    const dirs = ids.flatMap((id) => [join(root, "ours", id), join(root, "theirs", id)]);
    const tokens = JSON.parse((await runPythonScript("greedy_tokens.py", ["6", ...dirs])).trim().split("\n").pop() as string) as Record<string, number[]>;
    for (const id of ids) {
      expect(tokens[join(root, "ours", id)], id).toHaveLength(6);
      expect(tokens[join(root, "ours", id)], id).toEqual(tokens[join(root, "theirs", id)]);
    }
  });
});

// The identity above would also hold if a rule were never reached; these pin that each one is.
describe("each model rule is exercised", () => {
  it("qwen3_moe: the router gate at 8 bits by its quant_predicate, unless a mixed recipe decides", async () => {
    expect((await quantization("qwen3_moe-q2g32"))["model.layers.1.mlp.gate"]).toEqual({ group_size: 64, bits: 8 });
    expect((await header("qwen3_moe-q2g32")).get("model.layers.1.mlp.switch_mlp.up_proj.weight")).toEqual({ dtype: "U32", shape: [4, 64, 4] });
    expect((await quantization("qwen3_moe-mixed36"))["model.layers.1.mlp.gate"]).toEqual({ group_size: null, bits: 3, mode: "affine" });
  });

  it("granite: o_proj, down_proj and lm_head at 8 bits", async () => {
    const entries = await quantization("granite-q5g32");
    for (const path of ["model.layers.0.self_attn.o_proj", "model.layers.1.mlp.down_proj", "lm_head"]) expect(entries[path], path).toEqual({ group_size: 64, bits: 8 });
    expect(entries["model.layers.0.self_attn.q_proj"]).toBeUndefined();
  });

  it("deepseek: the bare-weight router gate stays float", async () => {
    const tensors = await header("deepseek-q8g32");
    expect(tensors.get("model.layers.1.mlp.gate.weight")).toEqual({ dtype: "BF16", shape: [4, 64] });
    expect(tensors.has("model.layers.1.mlp.gate.scales")).toBe(false);
  });

  it("types mlx-lm remaps or whose classes keep tensors in float32: rules of the class that loads them", async () => {
    const kept: [string, string][] = [
      ["kimi_k2-q4g32-f16", "model.layers.1.mlp.gate.e_score_correction_bias"],
      ["minimax_m2-q3g32", "model.layers.0.block_sparse_moe.e_score_correction_bias"],
      ["nemotron_h-q6g32-f16", "backbone.layers.0.mixer.A_log"],
      ["nemotron_h-q6g32-f16", "backbone.layers.3.mixer.gate.e_score_correction_bias"],
      ["longcat_flash-q8g32-f16", "model.layers.0.mlp.router.e_score_correction_bias"],
    ];
    for (const [run, name] of kept) expect((await header(run)).get(name)?.dtype, `${run} ${name}`).toBe("F32");
    expect((await quantization("minimax_m2-q3g32"))["model.layers.0.block_sparse_moe.gate"]).toEqual({ group_size: 64, bits: 8 });
    expect((await quantization("longcat_flash-q8g32-f16"))["model.layers.0.mlp.router.classifier"]).toEqual({ group_size: 64, bits: 8 });
    expect((await header("nemotron_h-q6g32-f16")).get("backbone.layers.3.mixer.gate.weight")).toEqual({ dtype: "F16", shape: [4, 64] });
  });

  it("deepseek_v3: e_score_correction_bias kept in float32 under --dtype; MultiLinear layers quantized", async () => {
    for (const run of ["deepseek_v3-q4", "deepseek_v3-q4g32-f16", "deepseek_v3-f16"]) {
      expect((await header(run)).get("model.layers.1.mlp.gate.e_score_correction_bias")?.dtype, run).toBe("F32");
    }
    const tensors = await header("deepseek_v3-q4g32-f16");
    expect(tensors.get("model.layers.1.mlp.gate.weight")?.dtype).toBe("F16");
    expect(tensors.get("model.layers.0.self_attn.embed_q.scales")).toEqual({ dtype: "F16", shape: [4, 64, 2] });
    expect(tensors.get("model.layers.0.self_attn.unembed_out.weight")).toEqual({ dtype: "U32", shape: [4, 32, 8] });
    expect((await header("deepseek_v3-q4")).get("model.layers.0.self_attn.q_b_proj.weight")?.dtype).toBe("BF16");
  });

  it("qwen2 and qwen3: attention biases and q/k norms copied beside quantized layers", async () => {
    const qwen2 = await header("qwen2-q4");
    expect(qwen2.get("model.layers.0.self_attn.q_proj.bias")).toEqual({ dtype: "BF16", shape: [64] });
    const qwen3 = await header("qwen3-q4");
    expect(qwen3.get("model.layers.0.self_attn.q_norm.weight")).toEqual({ dtype: "BF16", shape: [16] });
    expect(qwen3.has("lm_head.weight")).toBe(false);
  });
});

describe("a source Whetstone would not convert as mlx-lm does is refused before the target exists", () => {
  it("experts stored one by one (Hugging Face's layout, which mlx-lm's sanitize stacks as it loads)", async () => {
    const src = join(root, "src", "qwen3_moe-hf");
    await mkdir(src, { recursive: true });
    await copyFile(join(root, "src", "qwen3_moe", "config.json"), join(src, "config.json"));
    const name = "model.layers.1.mlp.experts.0.up_proj.weight";
    await writeSafetensors(join(src, "model.safetensors"), [{ name, dtype: "BF16", shape: [64, 64], data: new Uint8Array(64 * 64 * 2) }]);
    const target = join(root, "ours", "qwen3_moe-hf");
    const error = await transformWeights({ source: src, target, roots, options: q(4, 64).options, workerScript }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "source_layout_unsupported", details: { evidence: name }, hint: expect.stringMatching(/mlx_lm\.convert/) });
    expect(await stat(target).catch(() => null)).toBeNull();
  });
});
