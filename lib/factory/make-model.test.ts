import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { makeModel } from "./make-model";

const tempDir = useTempDirs();

describe("makeModel", () => {
  it("writes the same bytes for the same seed", async () => {
    const a = await makeModel({ dir: join(await tempDir(), "a"), shards: 2, seed: 3 });
    const b = await makeModel({ dir: join(await tempDir(), "b"), shards: 2, seed: 3 });
    for (const file of a.shardFiles) {
      expect((await readFile(join(a.dir, file))).equals(await readFile(join(b.dir, file)))).toBe(true);
    }
  });

  it("lays out shards and index the way mlx-lm does, in the requested dtype", async () => {
    const model = await makeModel({ dir: join(await tempDir(), "m"), shards: 3, dtype: "float16" });
    expect(model.shardFiles).toEqual(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"]);
    const header = await readSafetensorsHeader(join(model.dir, model.shardFiles[0] as string));
    expect(header.metadata).toEqual({ format: "mlx" });
    expect(new Set(header.tensors.map((t) => t.dtype))).toEqual(new Set(["F16"]));
    const index = JSON.parse(await readFile(join(model.dir, "model.safetensors.index.json"), "utf8")) as { weight_map: Record<string, string> };
    expect(Object.keys(index.weight_map)).toEqual([...model.tensorNames].sort());
  });

  it("makes models that mlx-lm loads and runs, with a real tokenizer and chat template, in every dtype and layout", async () => {
    const dirs: string[] = [];
    for (const [dtype, shards] of [["bfloat16", 1], ["float16", 2], ["float32", 3]] as const) {
      dirs.push((await makeModel({ dir: join(await tempDir(), dtype), dtype, shards, shape: { tieWordEmbeddings: shards === 2 } })).dir);
    }
    const out = await runPython(
      [
        "import sys, json",
        "from mlx_lm import load, generate",
        "results = []",
        "for path in sys.argv[1:]:",
        "    model, tok = load(path)",
        "    text = 'Grüße, the model will not load!'",
        "    ids = tok.encode(text)",
        "    prompt = tok.apply_chat_template([{'role': 'user', 'content': 'hi'}], add_generation_prompt=True, tokenize=False)",
        "    out = generate(model, tok, prompt=prompt, max_tokens=4)",
        "    results.append({'roundtrip': tok.decode(ids) == text, 'prompt': prompt, 'eos': tok.eos_token, 'generated': isinstance(out, str)})",
        "print(json.dumps(results))",
      ].join("\n"),
      dirs,
    );
    const results = JSON.parse(out.trim().split("\n").pop() as string) as { roundtrip: boolean; prompt: string; eos: string; generated: boolean }[];
    expect(results).toHaveLength(3);
    for (const r of results) {
      expect(r).toEqual({ roundtrip: true, prompt: "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", eos: "<|im_end|>", generated: true });
    }
  });
});
