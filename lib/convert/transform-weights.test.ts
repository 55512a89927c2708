import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { expectSameModel } from "../testing/expect-same-model";
import { hashTree } from "../testing/hash-tree";
import { runPythonScript } from "../testing/python-script";
import { readSentinel } from "../workspace/sentinel";
import { transformWeights, type TransformParams } from "./transform-weights";
import { weightWorkerScript } from "./weight-pool";
import type { WeightMode } from "./weight-plan";

/**
 * Model-level identity with mlx-lm: the same factory source converted by
 * Whetstone and by `mlx_lm.convert` (one Python process for all reference
 * runs) holds the same tensors byte for byte, the same config.json and index,
 * and mlx-lm generates the same greedy tokens from both.
 */
let root: string;
const roots = { hubCache: "/nonexistent/hub", hfHome: "/nonexistent" };
const workerScript = weightWorkerScript(loadConfig().projectRoot);

interface Run {
  id: string;
  source: "bf16" | "f32" | "deep" | "tied";
  options: WeightMode;
  /** mlx_lm.convert's keyword arguments for the same conversion. */
  reference: Record<string, unknown>;
  /** Convert the output of another run instead of a factory source. */
  from?: string;
}

const RUNS: Run[] = [
  { id: "q4", source: "bf16", options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: 64 }, reference: { quantize: true, q_bits: 4, q_group_size: 64 } },
  { id: "q3g32", source: "bf16", options: { mode: "quantize", bits: 3, groupSize: 32, groupSizeGiven: 32 }, reference: { quantize: true, q_bits: 3, q_group_size: 32 } },
  { id: "q8-f32-to-f16", source: "f32", options: { mode: "quantize", bits: 8, groupSize: 128, groupSizeGiven: 128, dtype: "float16" }, reference: { quantize: true, q_bits: 8, q_group_size: 128, dtype: "float16" } },
  { id: "mixed36", source: "deep", options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: null, recipe: "mixed_3_6" }, reference: { quantize: true, quant_predicate: "mixed_3_6" } },
  { id: "q2-tied", source: "tied", options: { mode: "quantize", bits: 2, groupSize: 64, groupSizeGiven: 64 }, reference: { quantize: true, q_bits: 2, q_group_size: 64 } },
  { id: "dtype-f16", source: "bf16", options: { mode: "dtype", dtype: "float16" }, reference: { dtype: "float16" } },
  { id: "dequantize", source: "bf16", from: "q4", options: { mode: "dequantize" }, reference: { dequantize: true } },
  { id: "dequantize-f32", source: "bf16", from: "mixed36", options: { mode: "dequantize", dtype: "float32" }, reference: { dequantize: true, dtype: "float32" } },
];

const sourceDir = (run: Run) => (run.from ? join(root, "ours", run.from) : join(root, "src", run.source));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-transform-"));
  await makeModel({ dir: join(root, "src", "bf16"), dtype: "bfloat16", seed: 5 });
  await makeModel({ dir: join(root, "src", "f32"), dtype: "float32", seed: 6 });
  await makeModel({ dir: join(root, "src", "deep"), dtype: "bfloat16", seed: 7, shape: { layers: 9 } });
  await makeModel({ dir: join(root, "src", "tied"), dtype: "bfloat16", seed: 8, shape: { tieWordEmbeddings: true } });
  for (const run of RUNS) {
    const params: TransformParams = { source: sourceDir(run), target: join(root, "ours", run.id), roots, options: run.options, workerScript };
    await transformWeights(params);
  }
  // mlx-lm converts our outputs too, where a run starts from one (dequantize): the same inputs for both.
  const runs = RUNS.map((run) => ({ hf_path: sourceDir(run), mlx_path: join(root, "theirs", run.id), ...run.reference }));
  await writeFile(join(root, "runs.json"), JSON.stringify(runs));
  await runPythonScript("convert_reference.py", [join(root, "runs.json")]);
}, 180_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("Whetstone's conversions equal mlx_lm.convert's", () => {
  for (const run of RUNS) {
    it(`${run.id}: same tensors (names, shapes, dtypes, bytes), config.json and index`, async () => {
      await expectSameModel(join(root, "ours", run.id), join(root, "theirs", run.id));
    });
  }

  it("mlx-lm generates the same greedy tokens from ours and from its own", async () => {
    const ids = ["q4", "mixed36", "q2-tied"];
    const dirs = ids.flatMap((id) => [join(root, "ours", id), join(root, "theirs", id)]);
    const tokens = JSON.parse((await runPythonScript("greedy_tokens.py", ["8", ...dirs])).trim().split("\n").pop() as string) as Record<string, number[]>;
    for (const id of ids) {
      expect(tokens[join(root, "ours", id)], id).toHaveLength(8);
      expect(tokens[join(root, "ours", id)], id).toEqual(tokens[join(root, "theirs", id)]);
    }
  });

  it("the mixed recipe writes mlx-lm's per-layer entries (group_size null when not given)", async () => {
    const config = JSON.parse(await readFile(join(root, "ours", "mixed36", "config.json"), "utf8")) as Record<string, Record<string, unknown>>;
    expect(config.quantization?.["model.layers.0.mlp.down_proj"]).toEqual({ group_size: null, bits: 6, mode: "affine" });
    expect(config.quantization?.["model.layers.3.mlp.up_proj"]).toEqual({ group_size: null, bits: 3, mode: "affine" });
    expect(config.quantization_config).toEqual(config.quantization);
  });
});

describe("the output workspace", () => {
  it("is managed, healthy, keeps the source untouched and records the quality report", async () => {
    const dir = join(root, "ours", "q4");
    const sentinel = (await readSentinel(dir)) as unknown as Record<string, unknown> & { quality: { layerTypes: { layerType: string; snrDb: number }[] } };
    expect(sentinel.managed).toBe(true);
    expect(sentinel.mode).toBe("quantize");
    expect((sentinel.health as { status: string }).status).toBe("healthy");
    const types = sentinel.quality.layerTypes.map((l) => l.layerType).sort();
    expect(types).toEqual(["embed_tokens", "lm_head", "mlp.down_proj", "mlp.gate_proj", "mlp.up_proj", "self_attn.k_proj", "self_attn.o_proj", "self_attn.q_proj", "self_attn.v_proj"]);
    // 4-bit affine on Gaussian weights keeps about 20 dB.
    for (const l of sentinel.quality.layerTypes) expect(l.snrDb).toBeGreaterThan(15);
    expect(await readdir(dir)).toEqual(expect.arrayContaining(["tokenizer.json", "tokenizer_config.json", "generation_config.json", "README.md"]));
  });

  it("warns when the source is already quantized and when more bits are asked for than it has", async () => {
    const result = await transformWeights({
      source: join(root, "ours", "q3g32"),
      target: join(root, "requant"),
      roots,
      options: { mode: "quantize", bits: 8, groupSize: 64, groupSizeGiven: 64 },
      workerScript,
      workers: 0,
    });
    expect(result.warnings[0]).toMatch(/already quantized \(3-bit, group size 32\)/);
    expect(result.warnings[1]).toMatch(/8 bits from a 3-bit source: the precision lost at 3 bits does not come back/);
    expect(result.health?.healthy).toBe(true);
  });
});

describe("refusals happen before the target exists", () => {
  it("a vision model, with the tool to use instead", async () => {
    const src = join(root, "src", "vision");
    await makeModel({ dir: src, dtype: "bfloat16", seed: 9 });
    const config = JSON.parse(await readFile(join(src, "config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(src, "config.json"), JSON.stringify({ ...config, vision_config: { hidden_size: 32 } }));
    const before = await hashTree(src);
    const error = await transformWeights({ source: src, target: join(root, "vision-q"), roots, options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: null }, workerScript }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "vision_model_unsupported", hint: expect.stringMatching(/mlx-vlm/) });
    expect(await stat(join(root, "vision-q")).catch(() => null)).toBeNull();
    expect(await hashTree(src)).toEqual(before);
  });

  it("dequantizing a float model", async () => {
    const error = await transformWeights({ source: join(root, "src", "bf16"), target: join(root, "deq"), roots, options: { mode: "dequantize" }, workerScript }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "source_not_quantized" });
    expect(await stat(join(root, "deq")).catch(() => null)).toBeNull();
  });
});

describe("cancelling", () => {
  it("stops the workers and removes the target", async () => {
    const src = join(root, "src", "wide");
    await makeModel({ dir: src, dtype: "bfloat16", seed: 10, shape: { hiddenSize: 256, intermediateSize: 1024, layers: 2, vocabSize: 2048 } });
    const controller = new AbortController();
    const target = join(root, "cancelled");
    const error = await transformWeights({
      source: src,
      target,
      roots,
      options: { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: 64 },
      workerScript,
      workers: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === "writing" && p.tensorsDone >= 1) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "cancelled" });
    expect(await stat(target).catch(() => null)).toBeNull();
  });
});
