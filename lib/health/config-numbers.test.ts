import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planConversion, transformWeights } from "../convert/transform-weights";
import { weightWorkerScript } from "../convert/weight-pool";
import { makeModel } from "../factory/make-model";
import { pathExists } from "../fs/path-exists";
import { describeModel } from "../models/describe-model";
import { useTempDirs } from "../testing/temp-dir";
import { checkModel } from "./check-model";
import { configNumberProblems } from "./config-numbers";

const tempDir = useTempDirs();

/** A factory model whose config.json gets `edit` merged in (written as raw JSON text, so 1e400 stays what a file can say). */
async function modelWith(edit: string) {
  const dir = join(await tempDir(), "model");
  await makeModel({ dir });
  const config = await readFile(join(dir, "config.json"), "utf8");
  await writeFile(join(dir, "config.json"), `${config.trimEnd().slice(0, -1)}, ${edit}}`);
  return dir;
}

// Each absurd value, the field the finding names, and what it says.
const ABSURD: [string, string, RegExp][] = [
  ['"num_hidden_layers": 1e12', "num_hidden_layers", /^config\.json: num_hidden_layers is 1000000000000, more than any real model \(max 10000\); the file is damaged\.$/],
  ['"num_hidden_layers": -2', "num_hidden_layers", /is -2, a negative count/],
  ['"num_hidden_layers": 2.5', "num_hidden_layers", /is 2\.5, not a whole number/],
  ['"num_hidden_layers": "2"', "num_hidden_layers", /is a string, not a whole number/],
  ['"hidden_size": 1e400', "hidden_size", /is not a finite number/],
  ['"vocab_size": 1e15', "vocab_size", /max 10000000/],
  ['"intermediate_size": [128, 1e12]', "intermediate_size", /more than any real model/],
  ['"num_key_value_heads": true', "num_key_value_heads", /is a boolean/],
  ['"text_config": {"num_hidden_layers": 99999999}', "text_config.num_hidden_layers", /more than any real model/],
  ['"quantization": {"bits": 1000000000, "group_size": 64}', "quantization.bits", /quantization\.bits is 1000000000, more than any real model \(max 8\)/],
  ['"quantization": {"bits": 4, "group_size": 64, "model.layers.0.mlp.gate_proj": {"bits": 4, "group_size": 0}}', "quantization.model.layers.0.mlp.gate_proj.group_size", /group_size is 0, less than 1/],
];

describe("config numbers (issue #10)", () => {
  it("accepts what real configs say: counts, nulls, per-layer lists, other tools' quantization", () => {
    expect(
      configNumberProblems({
        num_hidden_layers: 80,
        hidden_size: 8192,
        intermediate_size: [14336, 28672],
        num_key_value_heads: null,
        vocab_size: 262_144,
        max_position_embeddings: 10_485_760,
        num_experts: 0,
        text_config: { num_hidden_layers: 48 },
        quantization: { bits: 4, group_size: 64, "model.embed_tokens": false, "model.layers.0.mlp.gate": { bits: 8, group_size: 64 } },
        quantization_config: { quant_method: "gptq", bits: 4, group_size: -1 },
      }),
    ).toEqual([]);
  });

  for (const [edit, field, message] of ABSURD) {
    it(`health answers ${edit} within seconds, blocking the load`, async () => {
      const dir = await modelWith(edit);
      const started = performance.now();
      const report = await checkModel(dir);
      expect(performance.now() - started).toBeLessThan(3000);
      const finding = report.findings.find((f) => f.id === "config-number-invalid");
      expect(finding?.evidence).toEqual({ file: "config.json", field });
      expect(finding?.message).toMatch(message);
      expect(report.healthy).toBe(false);
    });
  }

  it("describe and convert planning refuse the config with a typed error, before anything is written", async () => {
    const dir = await modelWith('"num_hidden_layers": 1e12, "quantization": {"bits": -4, "group_size": 64}');
    const described = await describeModel({ kind: "workspace", name: "model", path: dir });
    expect(described.model).toMatchObject({ health: "unhealthy", runtime_compatible: false, reason: "config.json has numbers out of bounds: num_hidden_layers, quantization.bits" });

    await expect(planConversion(dir, { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: 64 })).rejects.toMatchObject({
      code: "config_number_invalid",
      message: "config.json: num_hidden_layers is 1000000000000, more than any real model (max 10000); the file is damaged (and 1 more number(s) out of bounds)",
    });
    const target = join(await tempDir(), "out");
    await expect(
      transformWeights({ source: dir, target, roots: { hubCache: "/nonexistent/hub", hfHome: "/nonexistent" }, options: { mode: "dtype", dtype: "float16" }, workerScript: weightWorkerScript(process.cwd()), workers: 0 }),
    ).rejects.toMatchObject({ code: "config_number_invalid" });
    expect(await pathExists(target)).toBe(false);
  });

  it("planning refuses a config.json that is valid JSON but not an object (found by the fuzz drill)", async () => {
    const dir = join(await tempDir(), "model");
    await makeModel({ dir });
    for (const text of ["null", "[1, 2]", "38704"]) {
      await writeFile(join(dir, "config.json"), text);
      await expect(planConversion(dir, { mode: "dtype", dtype: "float16" })).rejects.toMatchObject({ code: "config_invalid" });
    }
  });
});
