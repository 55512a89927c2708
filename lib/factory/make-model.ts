import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSafetensors, type TensorToWrite } from "../safetensors/write-safetensors";
import { formatIndex, INDEX_FILE } from "../safetensors/index-file";
import { shardName } from "../convert/make-shards";
import { encodeFloats } from "../tensor/float-arrays";
import { writeJson } from "../fs/write-json";
import { TENSOR_DTYPE, type ModelDtype } from "../quantize/quant-options";
import { llamaConfig, llamaTensorSpecs, TINY_LLAMA, type LlamaShape } from "./llama";
import { normalValues, seededRandom } from "./random";
import { buildTokenizer } from "./tokenizer";
import { applyDefect, type DefectId } from "./defects";

export interface MakeModelOptions {
  dir: string;
  dtype?: ModelDtype;
  /** 1 writes `model.safetensors`; more writes `model-0000i-of-0000n.safetensors` and an index. */
  shards?: number;
  shape?: Partial<LlamaShape>;
  seed?: number;
  defects?: readonly DefectId[];
}

export interface MadeModel {
  dir: string;
  shardFiles: string[];
  tensorNames: string[];
  /** Which shard holds each tensor, as the healthy model lays it out. */
  weightMap: Map<string, string>;
  config: Record<string, unknown>;
}

/**
 * Writes a small but real llama-architecture MLX model: random weights, a
 * trained byte-level BPE tokenizer with a chat template, config files, and
 * optionally the defects the health checks must find.
 */
export async function makeModel(options: MakeModelOptions): Promise<MadeModel> {
  const { dir, dtype = "bfloat16", shards = 1, seed = 1, defects = [] } = options;
  const shape = { ...TINY_LLAMA, ...options.shape };
  const tokenizer = buildTokenizer();
  if (tokenizer.vocabSize > shape.vocabSize) {
    throw new Error(`vocab_size ${shape.vocabSize} is smaller than the tokenizer's ${tokenizer.vocabSize} tokens`);
  }
  await mkdir(dir, { recursive: true });

  const random = seededRandom(seed);
  const tensors: TensorToWrite[] = llamaTensorSpecs(shape).map((spec) => {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = spec.init === "norm" ? new Float32Array(count).fill(1) : normalValues(count, 0.02, random);
    return { name: spec.name, dtype: TENSOR_DTYPE[dtype], shape: spec.shape, data: encodeFloats(values, TENSOR_DTYPE[dtype]) };
  });

  const shardFiles = Array.from({ length: shards }, (_, i) => shardName(i, shards));
  const weightMap = new Map<string, string>();
  const perShard: TensorToWrite[][] = shardFiles.map(() => []);
  tensors.forEach((tensor, i) => {
    const shard = Math.floor((i * shards) / tensors.length);
    perShard[shard]?.push(tensor);
    weightMap.set(tensor.name, shardFiles[shard] as string);
  });
  for (const [i, file] of shardFiles.entries()) {
    await writeSafetensors(join(dir, file), perShard[i] ?? []);
  }
  if (shards > 1) {
    const totalSize = tensors.reduce((n, t) => n + t.data.byteLength, 0);
    await writeFile(join(dir, INDEX_FILE), formatIndex(weightMap, totalSize));
  }

  const config = llamaConfig(shape, dtype, { bos: tokenizer.bosTokenId, eos: tokenizer.eosTokenId });
  await writeJson(join(dir, "config.json"), config);
  await writeJson(join(dir, "generation_config.json"), {
    bos_token_id: tokenizer.bosTokenId,
    eos_token_id: tokenizer.eosTokenId,
  });
  await writeJson(join(dir, "tokenizer.json"), tokenizer["tokenizer.json"]);
  await writeJson(join(dir, "tokenizer_config.json"), tokenizer["tokenizer_config.json"]);
  await writeFile(
    join(dir, "README.md"),
    "---\nlibrary_name: mlx\ntags:\n- mlx\npipeline_tag: text-generation\nlicense: apache-2.0\n---\n\n" +
      "A tiny llama-architecture model with random weights, made by Whetstone's model factory for tests and demos.\n",
  );

  const made: MadeModel = { dir, shardFiles, tensorNames: tensors.map((t) => t.name), weightMap, config };
  for (const defect of defects) await applyDefect(defect, made, tensors);
  return made;
}
