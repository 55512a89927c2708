import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { generationParamsSchema } from "./generation-params";
import { createModelRunner } from "./model-runner";

const tempDir = useTempDirs();

/** The Llama-3 style split that transformers 4.39-4.57.2 wrote into Mistral tokenizers (catalog A2). */
const LLAMA3_SPLIT = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** A factory model dressed as a Mistral conversion from an affected transformers version. */
async function mistralWithA2(transformersVersion: string): Promise<string> {
  const dir = join(await tempDir(), "mistral-a2");
  await makeModel({ dir, seed: 5 });
  const configPath = join(dir, "config.json");
  const config = JSON.parse(await readFile(configPath, "utf8")) as Record<string, unknown>;
  await writeFile(configPath, JSON.stringify({ ...config, model_type: "mistral", architectures: ["MistralForCausalLM"], transformers_version: transformersVersion }));
  const tokenizerPath = join(dir, "tokenizer.json");
  const tokenizer = JSON.parse(await readFile(tokenizerPath, "utf8")) as Record<string, unknown>;
  tokenizer.pre_tokenizer = {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { Regex: LLAMA3_SPLIT }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
  await writeFile(tokenizerPath, JSON.stringify(tokenizer));
  return dir;
}

describe("tokenizer regex defect (catalog A2)", () => {
  it("is fixed at load time for affected Mistral conversions, and left alone otherwise", async () => {
    const config = loadConfig();
    const affected = createModelRunner({ name: "a2", modelPath: await mistralWithA2("4.46.3"), config });
    const unaffected = createModelRunner({ name: "later", modelPath: await mistralWithA2("4.58.0"), config });
    onTestFinished(() => Promise.all([affected.stop(), unaffected.stop()]).then(() => undefined));

    // Mistral's tokenizer splits numbers into single digits; the broken regex groups three.
    const fixed = await affected.encode("In 2024 we had 1024 models");
    const broken = await unaffected.encode("In 2024 we had 1024 models");
    expect(affected.status().tokenizerFix).toBe("a2-tokenizer-regex");
    expect(unaffected.status().tokenizerFix).toBeNull();
    const digits = await affected.encode("2");
    expect(digits).toHaveLength(1);
    expect(await affected.encode("2024")).toHaveLength(4);
    expect(await unaffected.encode("2024")).toHaveLength(3);
    expect(fixed.length).toBeGreaterThan(broken.length);

    // Replies decode through mlx-lm's byte-level detokenizer: no BPE space markers leak out.
    let text = "";
    for await (const event of affected.generate({ messages: [{ role: "user", content: "Say something" }] }, generationParamsSchema.parse({ maxTokens: 40, seed: 3 }))) {
      if (event.type === "delta") text += event.text;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain("Ġ");
  });
});
