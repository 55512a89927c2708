import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeModel } from "../factory/make-model";
import { runPython } from "./python";

/** A tiny qwen2 (mlx-lm gives qwen2 pipeline()): 4 attention heads, 2 key/value heads, `layers` layers. */
export function qwen2Config(layers: number) {
  return {
    model_type: "qwen2",
    hidden_size: 64,
    num_hidden_layers: layers,
    intermediate_size: 128,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-6,
    vocab_size: 512,
    max_position_embeddings: 2048,
    tie_word_embeddings: true,
  };
}

/** The factory model's tokenizer files, which a qwen2 made here uses (its vocabulary fits 512). */
export async function copyTokenizerFiles(from: string, to: string): Promise<void> {
  for (const file of ["tokenizer.json", "tokenizer_config.json", "generation_config.json"]) await copyFile(join(from, file), join(to, file));
}

/** The name of shard n of the four. */
export const shard = (n: number) => `model-0000${n}-of-00004.safetensors`;

/**
 * A qwen2 model (mlx-lm gives qwen2 pipeline()) of 6 layers in four shards laid out so that, split over
 * two ranks (rank 1 runs layers 0-2, rank 0 layers 3-5), each rank needs three: layers 0-1 (rank 1 only),
 * layers 2-3 (both: the stages meet inside it), layers 4-5 (rank 0 only), the embeddings and norm (both).
 */
export async function shardedQwen2(root: string): Promise<string> {
  const tokenizerSource = join(root, "tokenizer-source");
  await makeModel({ dir: tokenizerSource, seed: 5 });
  const dir = join(root, "piped");
  const modelConfig = qwen2Config(6);
  await runPython(
    [
      "import json, os, re, sys",
      "import mlx.core as mx",
      "from mlx.utils import tree_flatten",
      "from mlx_lm.models.qwen2 import Model, ModelArgs",
      "mx.random.seed(11)",
      "out, config = sys.argv[1], json.loads(sys.argv[2])",
      "weights = dict(tree_flatten(Model(ModelArgs.from_dict(config)).parameters()))",
      "def shard(key):",
      "    m = re.search(r'layers\\.(\\d+)\\.', key)",
      "    return 4 if m is None else int(m.group(1)) // 2 + 1",
      "os.makedirs(out, exist_ok=True)",
      "weight_map = {}",
      "for n in range(1, 5):",
      "    name = f'model-{n:05d}-of-00004.safetensors'",
      "    part = {k: v for k, v in weights.items() if shard(k) == n}",
      "    mx.save_safetensors(os.path.join(out, name), part, metadata={'format': 'mlx'})",
      "    weight_map.update({k: name for k in part})",
      "total = sum(v.nbytes for v in weights.values())",
      "json.dump({'metadata': {'total_size': total}, 'weight_map': dict(sorted(weight_map.items()))}, open(os.path.join(out, 'model.safetensors.index.json'), 'w'), indent=4)",
      "json.dump(config, open(os.path.join(out, 'config.json'), 'w'))",
    ].join("\n"),
    [dir, JSON.stringify(modelConfig)],
  );
  await copyTokenizerFiles(tokenizerSource, dir);
  await writeFile(join(dir, "README.md"), "A small pipeline test model.\n");
  return dir;
}
