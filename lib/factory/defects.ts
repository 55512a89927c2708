import { execFileSync } from "node:child_process";
import { open, readFile, rename, rm, stat, symlink, truncate, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { writeJson } from "../fs/write-json";
import { writeNpz } from "../npz/write-npz";
import { formatIndex, INDEX_FILE } from "../safetensors/index-file";
import { writeSafetensors, type TensorToWrite } from "../safetensors/write-safetensors";
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from "../tensor/float-bits";
import type { MadeModel } from "./make-model";

/**
 * Every defect the factory can inject: the ADR-018 catalog and the field
 * reports of ux-anchors §2.5.
 */
export const DEFECT_IDS = [
  "index-missing-shards",
  "index-stale-layout",
  "index-missing-keys",
  "duplicate-key",
  "shards-without-index",
  "weights-npz",
  "eos-token-id-null",
  "video-processor-null",
  "whisper-no-preprocessor",
  "no-model-type",
  "tokenizer-json-missing",
  "truncated-shard",
  "lfs-pointer",
  "partial-download",
  "tokenizer-regex-bug",
  "chat-template-missing",
  "chat-template-broken",
  "chat-template-endless-loop",
  "chat-template-huge-range",
  "chat-template-memory-bomb",
  "safetensors-no-metadata",
  "quantization-config-stale",
  "quantized-without-config",
  "quantization-shape-mismatch",
  "vocab-size-too-small",
  "embedding-rows-mismatch",
  "lm-head-with-tied-embeddings",
  "lm-head-missing",
  "missing-parameter",
  "unexpected-parameter",
  "eos-turn-token-missing",
  "model-type-unknown",
  "config-layers-absurd",
  "index-wrong-shard",
  "index-invalid-json",
  "config-missing",
  "config-invalid-json",
  "tokenizer-config-invalid",
  "empty-shard",
  "corrupt-shard-header",
  "broken-symlink",
  "no-weights",
  "missing-shard",
  // Hostile repos (issue #10): what a stranger's files can do to a reader.
  "config-links-outside",
  "config-secret-text",
  "tokenizer-fifo",
  "folder-link-loops",
] as const;

export type DefectId = (typeof DEFECT_IDS)[number];

/** The text hostile defects put where a reader must never quote it (a file outside the model, a non-JSON config). */
export const HOSTILE_SECRET = "HF_TOKEN=hf_hostileSecretNeverQuoted";

async function editJson(path: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  edit(json);
  await writeJson(path, json);
}

/**
 * Rewrites the shards (and the index, if any) after changing the tensor list:
 * `edit` returns the new tensors per shard file.
 */
async function rewriteTensors(
  model: MadeModel,
  tensors: TensorToWrite[],
  edit: (file: string, shardTensors: TensorToWrite[]) => TensorToWrite[],
  metadata: Record<string, string> | null = { format: "mlx" },
): Promise<void> {
  const map = new Map<string, string>();
  let total = 0;
  for (const file of model.shardFiles) {
    const edited = edit(file, tensors.filter((t) => model.weightMap.get(t.name) === file));
    await writeSafetensors(join(model.dir, file), edited, metadata);
    for (const t of edited) {
      map.set(t.name, file);
      total += t.data.byteLength;
    }
  }
  if (model.shardFiles.length > 1) await writeFile(join(model.dir, INDEX_FILE), formatIndex(map, total));
}

/** A 4-bit, group-64 packed layout for a [out, in] weight: U32 [out, in/8], scales and biases [out, in/64]. */
function fakeQuantized(tensor: TensorToWrite, name: string): TensorToWrite[] {
  const [out = 0, inputs = 0] = tensor.shape;
  const groups = inputs / 64;
  return [
    { name: `${name}.weight`, dtype: "U32", shape: [out, inputs / 8], data: new Uint8Array(out * (inputs / 8) * 4).fill(0x5a) },
    { name: `${name}.scales`, dtype: tensor.dtype, shape: [out, groups], data: new Uint8Array(out * groups * 2).fill(0x3c) },
    { name: `${name}.biases`, dtype: tensor.dtype, shape: [out, groups], data: new Uint8Array(out * groups * 2) },
  ];
}

const MISTRAL_BROKEN_REGEX =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

async function setChatTemplate(model: MadeModel, template: string): Promise<void> {
  await editJson(join(model.dir, "tokenizer_config.json"), (t) => {
    t.chat_template = template;
  });
}

function lastShard(model: MadeModel): string {
  return model.shardFiles[model.shardFiles.length - 1] as string;
}

function requireShards(model: MadeModel, defect: DefectId, count = 2): void {
  if (model.shardFiles.length < count) {
    throw new Error(`defect '${defect}' needs a model with at least ${count} shards`);
  }
}

function tensorsAsFloat32(tensor: TensorToWrite): Float32Array {
  if (tensor.dtype === "F32") return new Float32Array(tensor.data.slice().buffer);
  const bits = new Uint16Array(tensor.data.slice().buffer);
  const decode = tensor.dtype === "BF16" ? bfloat16BitsToFloat32 : float16BitsToFloat32;
  return Float32Array.from(bits, decode);
}

const DEFECTS: Record<DefectId, (model: MadeModel, tensors: TensorToWrite[]) => Promise<void>> = {
  // mlx-vlm #624: the index names a shard layout the folder does not have.
  async "index-missing-shards"(model) {
    requireShards(model, "index-missing-shards");
    const count = model.shardFiles.length + 1;
    const pad = (n: number) => String(n).padStart(5, "0");
    const names = model.tensorNames;
    const map = new Map(names.map((n, i) => [n, `model-${pad(Math.floor((i * count) / names.length) + 1)}-of-${pad(count)}.safetensors`]));
    await writeFile(join(model.dir, INDEX_FILE), formatIndex(map, 0));
  },
  // An index carried over from the unquantized source: other shard names and keys the shards lack.
  async "index-stale-layout"(model) {
    const names = model.tensorNames;
    const map = new Map<string, string>();
    names.forEach((n, i) => map.set(n, `model-0000${i % 4 + 1}-of-00004.safetensors`));
    map.set("model.layers.0.self_attn.rotary_emb.inv_freq", "model-00001-of-00004.safetensors");
    await writeFile(join(model.dir, INDEX_FILE), formatIndex(map, 0));
  },
  async "index-missing-keys"(model) {
    requireShards(model, "index-missing-keys");
    const map = new Map(model.weightMap);
    for (const name of model.tensorNames.filter((n) => n.includes("layers.1."))) map.delete(name);
    await writeFile(join(model.dir, INDEX_FILE), formatIndex(map, 0));
  },
  // The same tensor stored in two shards (the other half of the mlx-vlm #624 regression).
  async "duplicate-key"(model, tensors) {
    requireShards(model, "duplicate-key");
    const first = model.shardFiles[0] as string;
    const last = lastShard(model);
    const copied = tensors.find((t) => model.weightMap.get(t.name) === first) as TensorToWrite;
    const lastTensors = tensors.filter((t) => model.weightMap.get(t.name) === last);
    await writeSafetensors(join(model.dir, last), [...lastTensors, copied]);
  },
  async "shards-without-index"(model) {
    requireShards(model, "shards-without-index");
    await rm(join(model.dir, INDEX_FILE));
  },
  // Legacy Whisper-style conversions saved weights.npz instead of safetensors.
  async "weights-npz"(model, tensors) {
    await writeNpz(
      join(model.dir, "weights.npz"),
      tensors.map((t) => {
        const values = tensorsAsFloat32(t);
        return { name: t.name, descr: "<f4", shape: t.shape, data: new Uint8Array(values.buffer) };
      }),
    );
    for (const file of model.shardFiles) await rm(join(model.dir, file));
    await rm(join(model.dir, INDEX_FILE), { force: true });
  },
  async "eos-token-id-null"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.eos_token_id = null;
    });
  },
  async "video-processor-null"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.video_processor = null;
    });
  },
  async "whisper-no-preprocessor"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      for (const key of Object.keys(c)) delete c[key];
      Object.assign(c, {
        architectures: ["WhisperForConditionalGeneration"],
        model_type: "whisper",
        d_model: 64,
        encoder_layers: 2,
        decoder_layers: 2,
        encoder_attention_heads: 4,
        decoder_attention_heads: 4,
        num_mel_bins: 80,
        vocab_size: 512,
        max_source_positions: 1500,
        max_target_positions: 448,
      });
    });
  },
  async "no-model-type"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      delete c.model_type;
    });
  },
  async "tokenizer-json-missing"(model) {
    await rm(join(model.dir, "tokenizer.json"));
  },
  async "truncated-shard"(model) {
    const file = join(model.dir, lastShard(model));
    const { size } = await stat(file);
    await truncate(file, Math.floor(size * 0.6));
  },
  // A clone without git-lfs leaves the pointer text where the shard should be.
  async "lfs-pointer"(model) {
    const file = join(model.dir, lastShard(model));
    const bytes = await readFile(file);
    const oid = createHash("sha256").update(bytes).digest("hex");
    await writeFile(file, `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${bytes.length}\n`);
  },
  // An interrupted download: the last shard exists only as a partial `.incomplete` file.
  async "partial-download"(model) {
    const file = join(model.dir, lastShard(model));
    const { size } = await stat(file);
    const handle = await open(file, "r+");
    await handle.truncate(Math.floor(size / 2));
    await handle.close();
    await rename(file, `${file}.incomplete`);
  },
  // ADR-018 A2: a Mistral tokenizer.json from transformers 4.52 with the Llama-3 style split regex.
  async "tokenizer-regex-bug"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.model_type = "mistral";
      c.architectures = ["MistralForCausalLM"];
      c.transformers_version = "4.52.4";
    });
    await editJson(join(model.dir, "tokenizer.json"), (t) => {
      t.pre_tokenizer = {
        type: "Sequence",
        pretokenizers: [
          { type: "Split", pattern: { Regex: MISTRAL_BROKEN_REGEX }, behavior: "Isolated", invert: false },
          { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
        ],
      };
    });
  },
  async "chat-template-missing"(model) {
    await editJson(join(model.dir, "tokenizer_config.json"), (t) => {
      delete t.chat_template;
    });
  },
  async "chat-template-broken"(model) {
    await editJson(join(model.dir, "tokenizer_config.json"), (t) => {
      t.chat_template = "{% for message in messages %}{{ message['content'] }";
    });
  },
  // Hostile templates (issue #10): ten billion iterations, the range that killed the app, a list doubled past any heap.
  async "chat-template-endless-loop"(model) {
    await setChatTemplate(model, "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}{{ messages[0]['content'] }}");
  },
  async "chat-template-huge-range"(model) {
    await setChatTemplate(model, "{% for i in range(1000000000) %}{% endfor %}{% for m in messages %}{{ m['content'] }}{% endfor %}");
  },
  async "chat-template-memory-bomb"(model) {
    await setChatTemplate(model, "{% set ns = namespace(x=[1]) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}{% for m in messages %}{{ m['content'] }}{% endfor %}");
  },
  async "safetensors-no-metadata"(model, tensors) {
    await rewriteTensors(model, tensors, (_file, own) => own, null);
  },
  async "quantization-config-stale"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.quantization = { group_size: 64, bits: 4 };
      c.quantization_config = { group_size: 64, bits: 4 };
    });
  },
  async "quantized-without-config"(model, tensors) {
    const name = "model.layers.0.self_attn.q_proj";
    await rewriteTensors(model, tensors, (_file, own) =>
      own.flatMap((t) => (t.name === `${name}.weight` ? fakeQuantized(t, name) : [t])),
    );
  },
  // Packed as 4-bit but declared 8-bit.
  async "quantization-shape-mismatch"(model, tensors) {
    const name = "model.layers.0.self_attn.q_proj";
    await rewriteTensors(model, tensors, (_file, own) =>
      own.flatMap((t) => (t.name === `${name}.weight` ? fakeQuantized(t, name) : [t])),
    );
    await editJson(join(model.dir, "config.json"), (c) => {
      c.quantization = { group_size: 64, bits: 8 };
      c.quantization_config = { group_size: 64, bits: 8 };
    });
  },
  async "vocab-size-too-small"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.vocab_size = 300;
    });
  },
  async "embedding-rows-mismatch"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.vocab_size = 1024;
    });
  },
  async "lm-head-with-tied-embeddings"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.tie_word_embeddings = true;
    });
  },
  async "lm-head-missing"(model, tensors) {
    await rewriteTensors(model, tensors, (_file, own) => own.filter((t) => t.name !== "lm_head.weight"));
  },
  async "missing-parameter"(model, tensors) {
    await rewriteTensors(model, tensors, (_file, own) => own.filter((t) => t.name !== "model.layers.1.mlp.up_proj.weight"));
  },
  async "unexpected-parameter"(model, tensors) {
    const last = lastShard(model);
    const stray: TensorToWrite = { name: "model.vision_tower.patch_embed.weight", dtype: "F32", shape: [4, 4], data: new Uint8Array(64) };
    await rewriteTensors(model, tensors, (file, own) => (file === last ? [...own, stray] : own));
  },
  // Turns end with <|im_end|> in the template, but only <|endoftext|> stops generation.
  async "eos-turn-token-missing"(model) {
    const tokenizer = JSON.parse(await readFile(join(model.dir, "tokenizer.json"), "utf8")) as { added_tokens: { id: number; content: string }[] };
    const endOfText = tokenizer.added_tokens.find((t) => t.content === "<|endoftext|>")?.id ?? 0;
    await editJson(join(model.dir, "config.json"), (c) => {
      c.eos_token_id = endOfText;
    });
    await editJson(join(model.dir, "generation_config.json"), (g) => {
      g.eos_token_id = endOfText;
    });
    await editJson(join(model.dir, "tokenizer_config.json"), (t) => {
      t.eos_token = "<|endoftext|>";
    });
  },
  async "model-type-unknown"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.model_type = "frobnicator";
    });
  },
  // Issue #10: a count no model has; a loop over it never ends.
  async "config-layers-absurd"(model) {
    await editJson(join(model.dir, "config.json"), (c) => {
      c.num_hidden_layers = 1e12;
    });
  },
  async "index-wrong-shard"(model) {
    requireShards(model, "index-wrong-shard");
    const [first, second] = model.shardFiles as [string, string];
    const map = new Map(model.weightMap);
    map.set("model.embed_tokens.weight", map.get("model.embed_tokens.weight") === first ? second : first);
    await writeFile(join(model.dir, INDEX_FILE), formatIndex(map, 0));
  },
  async "index-invalid-json"(model) {
    requireShards(model, "index-invalid-json");
    await writeFile(join(model.dir, INDEX_FILE), '{"metadata": {}, "weight_map": {');
  },
  async "config-missing"(model) {
    await rm(join(model.dir, "config.json"));
  },
  async "config-invalid-json"(model) {
    await writeFile(join(model.dir, "config.json"), '{"model_type": "llama",');
  },
  async "tokenizer-config-invalid"(model) {
    await writeFile(join(model.dir, "tokenizer_config.json"), "{not json");
  },
  async "empty-shard"(model) {
    await writeFile(join(model.dir, lastShard(model)), "");
  },
  // A header whose JSON is cut off: the length prefix promises more than is there.
  async "corrupt-shard-header"(model) {
    const file = join(model.dir, lastShard(model));
    const bytes = await readFile(file);
    const length = Number(bytes.readBigUInt64LE(0));
    bytes.write("#", 8 + Math.floor(length / 2), "latin1");
    await writeFile(file, bytes);
  },
  // What a cache snapshot looks like after its blob was deleted.
  async "broken-symlink"(model) {
    const file = join(model.dir, lastShard(model));
    await rm(file);
    await symlink("../blobs/0000000000000000000000000000000000000000000000000000000000000000", file);
  },
  async "no-weights"(model) {
    for (const file of model.shardFiles) await rm(join(model.dir, file));
    await rm(join(model.dir, INDEX_FILE), { force: true });
  },
  async "missing-shard"(model) {
    requireShards(model, "missing-shard");
    await rm(join(model.dir, lastShard(model)));
  },
  // A config.json that is a link to a secret beside the model folder: its bytes must never reach a message or a copy.
  async "config-links-outside"(model) {
    const secret = join(dirname(model.dir), "hostile-secret.txt");
    await writeFile(secret, `${HOSTILE_SECRET}\n`);
    await rm(join(model.dir, "config.json"));
    await symlink(secret, join(model.dir, "config.json"));
  },
  // JSON.parse quotes the text it fails on: the message must not.
  async "config-secret-text"(model) {
    await writeFile(join(model.dir, "config.json"), `${HOSTILE_SECRET}\n`);
  },
  // A FIFO blocks a plain open until a writer comes, which never happens.
  async "tokenizer-fifo"(model) {
    await rm(join(model.dir, "tokenizer.json"));
    execFileSync("mkfifo", [join(model.dir, "tokenizer.json")]);
  },
  // Two `x -> .` links make a following walk exponential; a link to / makes it walk the disk.
  async "folder-link-loops"(model) {
    await symlink(".", join(model.dir, "x"));
    await symlink(".", join(model.dir, "y"));
    await symlink("/", join(model.dir, "root"));
  },
};

export async function applyDefect(defect: DefectId, model: MadeModel, tensors: TensorToWrite[]): Promise<void> {
  await DEFECTS[defect](model, tensors);
}
