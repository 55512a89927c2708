import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DefectId } from "../factory/defects";
import { makeModel } from "../factory/make-model";
import { checkModel } from "../health/check-model";
import { hashTree } from "../testing/hash-tree";
import { mlxLoadAndGenerate, runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { readSentinel } from "../workspace/sentinel";
import { DEFAULT_EXCLUDE_PATTERNS } from "../workspace/content-hash";
import { writeHostileSentinel } from "../factory/hostile-sentinel";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { repairModel } from "./repair-model";

const tempDir = useTempDirs();

async function setup(defects: DefectId[] = [], shards = 3) {
  const root = await tempDir();
  const roots = { hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub") };
  await mkdir(roots.hubCache, { recursive: true });
  const source = join(root, "broken");
  await makeModel({ dir: source, shards, defects });
  return { root, roots, source };
}

async function filesOf(dir: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const name of (await readdir(dir)).sort()) {
    if (name !== ".mlxk_workspace.json") out[name] = await readFile(join(dir, name));
  }
  return out;
}

describe("repairModel --repair-index", () => {
  it("repairs the mlx-vlm #624 shape into a healthy managed workspace that mlx-lm loads, leaving the source untouched", async () => {
    const { root, roots, source } = await setup(["index-missing-shards"]);
    expect((await checkModel(source)).healthy).toBe(false);
    const before = await hashTree(source);
    const target = join(root, "fixed");

    const result = await repairModel({ mode: "repair-index",  source, target, roots });

    expect(await hashTree(source)).toEqual(before);
    expect(result.health?.healthy).toBe(true);
    expect(result.health?.findings).toEqual([]);
    expect(result.fixed).toEqual(["index-shard-mismatch"]);
    expect(result.shards).toEqual([
      "model-00001-of-00003.safetensors",
      "model-00002-of-00003.safetensors",
      "model-00003-of-00003.safetensors",
    ]);
    const index = JSON.parse(await readFile(join(target, "model.safetensors.index.json"), "utf8")) as {
      weight_map: Record<string, string>;
    };
    expect(Object.keys(index.weight_map)).toHaveLength(result.tensors);
    expect(index.weight_map["lm_head.weight"]).toBe("model-00003-of-00003.safetensors");

    const sentinel = await readSentinel(target);
    expect(sentinel).toMatchObject({ managed: true, operation: "convert", mode: "repair-index", source_repo: source });
    expect(sentinel?.repair).toMatchObject({ mode: "repair-index", fixed: ["index-shard-mismatch"] });
    expect(sentinel?.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const tokens = await mlxLoadAndGenerate(target);
    expect(tokens).toHaveLength(8);
  });

  it("is deterministic: two repairs of the same source give byte-identical files", async () => {
    const { root, roots, source } = await setup(["index-missing-keys"], 2);
    await repairModel({ mode: "repair-index",  source, target: join(root, "a"), roots });
    await repairModel({ mode: "repair-index",  source, target: join(root, "b"), roots });
    expect(await filesOf(join(root, "a"))).toEqual(await filesOf(join(root, "b")));
  });

  it("fixes every index defect, and mlx-lm runs each result", async () => {
    const defects = ["index-stale-layout", "index-missing-keys", "shards-without-index", "index-wrong-shard", "index-invalid-json"] as const;
    const targets: string[] = [];
    for (const defect of defects) {
      const { root, roots, source } = await setup([defect], 2);
      const result = await repairModel({ mode: "repair-index", source, target: join(root, "fixed"), roots });
      expect(result.health?.findings, defect).toEqual([]);
      expect(result.fixed.length, defect).toBeGreaterThan(0);
      if (defect === "index-stale-layout") {
        expect(result.droppedFromIndex).toEqual(["model.layers.0.self_attn.rotary_emb.inv_freq"]);
      }
      targets.push(result.target);
    }
    const loaded = await runPython(
      ["import sys", "from mlx_lm import load, generate", "for p in sys.argv[1:]:", "    m, t = load(p)", "    print(len(generate(m, t, prompt='hi', max_tokens=3)) >= 0)"].join("\n"),
      targets,
    );
    expect(loaded.trim().split("\n")).toEqual(defects.map(() => "True"));
  });

  it("refuses a tensor stored in two shards, naming both, and creates nothing", async () => {
    const { root, roots, source } = await setup(["duplicate-key"], 2);
    const target = join(root, "fixed");
    await expect(repairModel({ mode: "repair-index",  source, target, roots })).rejects.toMatchObject({
      code: "source_not_repairable",
      message: expect.stringMatching(/model-00001-of-00002\.safetensors and model-00002-of-00002\.safetensors/),
    });
    await expect(readdir(target)).rejects.toThrow();
  });

  for (const defect of ["truncated-shard", "lfs-pointer", "partial-download"] as const) {
    it(`refuses a source with ${defect} (missing data no index can bring back)`, async () => {
      const { root, roots, source } = await setup([defect], 2);
      await expect(repairModel({ mode: "repair-index",  source, target: join(root, "fixed"), roots })).rejects.toMatchObject({
        code: "source_not_repairable",
      });
    });
  }

  it("never copies a file linked from outside the source into the new workspace (issue #10 finding 4)", async () => {
    const { root, roots, source } = await setup(["index-missing-keys", "config-links-outside"], 2);
    const target = join(root, "fixed");
    await expect(repairModel({ mode: "repair-index", source, target, roots })).rejects.toMatchObject({
      code: "unsafe_file",
      details: { file: "config.json", reason: "link-outside" },
    });
    await expect(readdir(target)).rejects.toThrow();

    const quiet = await setup(["index-missing-keys"], 2);
    await symlink(join(root, "hostile-secret.txt"), join(quiet.source, "notes.txt"));
    await expect(repairModel({ mode: "repair-index", source: quiet.source, target, roots: quiet.roots })).rejects.toMatchObject({
      code: "unsafe_file",
      details: { file: "notes.txt" },
    });
    await expect(readdir(target)).rejects.toThrow();
  });

  it("writes its own sentinel, never the one a source repo carries (issue #10 finding 3)", async () => {
    const { root, roots, source } = await setup(["index-missing-keys"], 2);
    await writeHostileSentinel(source, "backtracking");
    const target = join(root, "fixed");
    await repairModel({ mode: "repair-index", source, target, roots, skipHealth: true });
    const written = await readSentinel(target);
    expect(written).toMatchObject({ operation: "convert", mode: "repair-index", tool: "whetstone", exclude_patterns: [...DEFAULT_EXCLUDE_PATTERNS] });
    expect(written).not.toHaveProperty("injected");
  });

  it("never reads from or writes into the HF cache, even through a symlink", async () => {
    const { root, roots, source } = await setup([], 2);
    const cached = join(roots.hubCache, "models--org--m", "snapshots", "abc");
    await makeModel({ dir: cached, shards: 2 });
    await expect(repairModel({ mode: "repair-index",  source: cached, target: join(root, "out"), roots })).rejects.toMatchObject({
      code: "source_in_cache",
      hint: expect.stringMatching(/whet clone/),
    });
    await expect(repairModel({ mode: "repair-index",  source, target: join(roots.hubCache, "out"), roots })).rejects.toMatchObject({
      code: "target_in_cache",
    });
    await symlink(roots.hfHome, join(root, "link-to-cache"));
    await expect(repairModel({ mode: "repair-index",  source, target: join(root, "link-to-cache", "out"), roots })).rejects.toMatchObject({
      code: "target_in_cache",
    });
  });

  it("refuses a non-empty target and leaves it alone", async () => {
    const { root, roots, source } = await setup([], 2);
    const target = join(root, "busy");
    await mkdir(target);
    await writeFile(join(target, "keep.txt"), "mine");
    await expect(repairModel({ mode: "repair-index",  source, target, roots })).rejects.toMatchObject({ code: "target_not_empty" });
    expect(await readdir(target)).toEqual(["keep.txt"]);
  });

  it("refuses a target inside the source", async () => {
    const { roots, source } = await setup([], 2);
    await expect(repairModel({ mode: "repair-index",  source, target: join(source, "out"), roots })).rejects.toMatchObject({
      code: "target_overlaps_source",
    });
  });

  it("removes its partial output when cancelled", async () => {
    const { root, roots, source } = await setup([], 3);
    const controller = new AbortController();
    const target = join(root, "cancelled");
    const run = repairModel({ mode: "repair-index", 
      source,
      target,
      roots,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === "copying" && p.filesDone === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    await expect(readdir(target)).rejects.toThrow();
  });
});

describe("repairModel, the other modes", () => {
  async function repairTwice(defects: DefectId[], mode: Parameters<typeof repairModel>[0]["mode"], shards = 2, name = "broken") {
    const root = await tempDir();
    const roots = { hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub") };
    const source = join(root, name);
    await makeModel({ dir: source, shards, defects });
    const before = await hashTree(source);
    const first = await repairModel({ source, target: join(root, "a"), roots, mode });
    const second = await repairModel({ source, target: join(root, "b"), roots, mode });
    expect(await hashTree(source)).toEqual(before);
    expect(await filesOf(join(root, "a"))).toEqual(await filesOf(join(root, "b")));
    return { result: first, target: join(root, "a"), source };
  }

  it("--repair-weights turns weights.npz into safetensors with an index, and mlx-lm runs it", async () => {
    const { result, target } = await repairTwice(["weights-npz"], "repair-weights");
    expect(result.fixed).toEqual(["weights-npz"]);
    expect(result.health?.findings).toEqual([]);
    expect(result.shards).toEqual(["model.safetensors"]);
    expect(await readdir(target)).not.toContain("weights.npz");
    const header = await readSafetensorsHeader(join(target, "model.safetensors"));
    expect(header.metadata).toEqual({ format: "mlx" });
    expect(header.tensors.find((t) => t.name === "model.embed_tokens.weight")).toMatchObject({ dtype: "F32", shape: [512, 64] });
    expect(await mlxLoadAndGenerate(target)).toHaveLength(8);
  });

  it("--repair-weights adds missing safetensors metadata without touching tensor bytes", async () => {
    const { result, target, source } = await repairTwice(["safetensors-no-metadata"], "repair-weights");
    expect(result.fixed).toEqual(["safetensors-metadata-missing"]);
    const file = "model-00001-of-00002.safetensors";
    const [old, fresh] = await Promise.all([readSafetensorsHeader(join(source, file)), readSafetensorsHeader(join(target, file))]);
    expect(fresh.metadata).toEqual({ format: "mlx" });
    const oldBytes = await readFile(join(source, file));
    const newBytes = await readFile(join(target, file));
    expect(newBytes.subarray(fresh.dataStart).equals(oldBytes.subarray(old.dataStart))).toBe(true);
  });

  it("--repair-config fixes eos_token_id null, video_processor null, a stale quantization entry and the end-of-turn token", async () => {
    const { result, target } = await repairTwice(
      ["eos-token-id-null", "video-processor-null", "quantization-config-stale"],
      "repair-config",
    );
    expect(result.fixed.sort()).toEqual(["eos-token-id-null", "quantization-mismatch", "video-processor-null"]);
    expect(result.health?.findings).toEqual([]);
    const config = JSON.parse(await readFile(join(target, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config.eos_token_id).toBe(446);
    expect("video_processor" in config || "quantization" in config).toBe(false);
    expect(await mlxLoadAndGenerate(target)).toHaveLength(8);

    const turn = await repairTwice(["eos-turn-token-missing"], "repair-config");
    expect(turn.result.fixed).toEqual(["eos-token-mismatch"]);
    const generation = JSON.parse(await readFile(join(turn.target, "generation_config.json"), "utf8")) as Record<string, unknown>;
    expect(generation.eos_token_id).toEqual([444, 446]);
  });

  it("--add-preprocessor-config writes the standard Whisper feature-extractor config", async () => {
    const { result, target } = await repairTwice(["whisper-no-preprocessor"], "add-preprocessor-config");
    expect(result.fixed).toEqual(["preprocessor-config-missing"]);
    const pre = JSON.parse(await readFile(join(target, "preprocessor_config.json"), "utf8")) as Record<string, unknown>;
    expect(pre).toMatchObject({ feature_extractor_type: "WhisperFeatureExtractor", feature_size: 80, sampling_rate: 16000, n_fft: 400, hop_length: 160 });
  });

  it("--repair-all applies every safe repair in one pass, and mlx-lm runs the result", async () => {
    const { result, target } = await repairTwice(["weights-npz", "eos-token-id-null", "video-processor-null"], "repair-all", 2);
    expect(result.steps).toEqual(["repair-weights", "repair-index", "repair-config"]);
    expect(result.fixed.sort()).toEqual(["eos-token-id-null", "video-processor-null", "weights-npz"]);
    expect(result.health?.healthy).toBe(true);
    expect(result.health?.findings).toEqual([]);
    expect((await readSentinel(target))?.repair).toMatchObject({ mode: "repair-all", steps: result.steps, fixed: result.fixed });
    expect(await mlxLoadAndGenerate(target)).toHaveLength(8);
  });

  it("says what to do instead when no repair is safe", async () => {
    const root = await tempDir();
    const roots = { hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub") };
    const source = join(root, "m");
    await makeModel({ dir: source, shards: 2, defects: ["missing-parameter"] });
    await expect(repairModel({ source, target: join(root, "x"), roots, mode: "repair-all" })).rejects.toMatchObject({
      code: "source_not_repairable",
      hint: expect.stringMatching(/download the model again/),
    });
    await expect(repairModel({ source, target: join(root, "y"), roots, mode: "add-preprocessor-config" })).rejects.toMatchObject({
      code: expect.stringMatching(/source_not_repairable|not_applicable/),
    });
  });
});
