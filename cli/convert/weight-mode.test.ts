import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeModel } from "../../lib/factory/make-model";

let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-cli-quant-"));
  await makeModel({ dir: join(root, "home", "workspaces", "src"), dtype: "bfloat16", seed: 4 });
  env = { WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The real `whet` binary, as npx runs it. */
async function whet(...args: string[]) {
  const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), ...args], { env, reject: false, cwd: root });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, json: args.includes("--json") ? (JSON.parse(result.stdout) as Record<string, unknown>) : null };
}

describe("whet convert --quantize / --dequantize / --dtype", () => {
  it("quantizes a workspace, reports the quality in --json, and dequantizes and recasts it", async () => {
    const q = await whet("convert", "src", "q4", "--quantize", "4", "--q-group-size", "64", "--json");
    expect(q.code).toBe(0);
    expect(q.json).toMatchObject({
      status: "success",
      command: "convert",
      data: {
        mode: "quantize",
        health_status: "healthy",
        quantization: { group_size: 64, bits: 4, mode: "affine", recipe: null },
        shards: ["model.safetensors"],
        quality: { overall: { tensors: 16, snrDb: expect.any(Number) }, layerTypes: expect.arrayContaining([expect.objectContaining({ layerType: "lm_head", bits: [4] })]) },
      },
    });

    const human = await whet("convert", "q4", "deq", "--dequantize", "--dtype", "float32");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Mode: dequantize/);
    expect(human.stdout).toMatch(/Dequantized to float32; 21 tensors in 1 shard/);

    const mixed = await whet("convert", "src", "mixed", "--quantize", "4", "--mixed-recipe", "mixed_2_6");
    expect(mixed.code).toBe(0);
    expect(mixed.stdout).toMatch(/Quantized 16 layers with mixed_2_6/);
    expect(mixed.stdout).toMatch(/layer type\s+bits\s+tensors\s+RMSE\s+max \|err\|\s+SNR dB/);
    expect(mixed.stdout).toMatch(/self_attn\.v_proj\s+2\/6\s/);
    expect(mixed.stdout).toMatch(/lm_head\s+6\s/);

    const f16 = await whet("convert", "src", "f16", "--dtype", "float16", "--json");
    expect(f16.json).toMatchObject({ status: "success", data: { mode: "dtype", dtype: "float16", quality: null } });
  });

  it("answers bad options with a usage error (exit 2) and creates nothing", async () => {
    const bad = await whet("convert", "src", "nope", "--quantize", "7");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--quantize: bits must be one of 2, 3, 4, 5, 6, 8/);
    const group = await whet("convert", "src", "nope", "--quantize", "4", "--q-group-size", "48");
    expect(group.code).toBe(2);
    expect(await readdir(join(root, "home", "workspaces"))).not.toContain("nope");
  });
});
