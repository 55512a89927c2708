import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateRawSync, crc32 } from "node:zlib";
import { planConversion } from "../../convert/transform-weights";
import { isWhetError } from "../../errors";
import { makeModel } from "../../factory/make-model";
import { seededRandom } from "../../factory/random";
import { CONFIG_LIMITS } from "../../health/config-numbers";
import { checkModel } from "../../health/check-model";
import { readNpz } from "../../npz/read-npz";
import { encodeNpy, writeNpz } from "../../npz/write-npz";
import { modelFolder } from "../../fs/model-folder";
import { readGgufHeader } from "../../gguf/read-gguf-header";
import { INDEX_FILE } from "../../safetensors/index-file";
import { encodeGguf, tinyGguf, type GgufField, type GgufValue } from "../encode-gguf";
import { newSentinel, SENTINEL_FILE, writeSentinel } from "../../workspace/sentinel";
import { describeValue, int, mutateBytes, mutateJson, mutateTemplate, pick, SPLIT_PATTERNS, trialSeed, type Random } from "./mutate";

/** What a trial damages; each kind names the file (or files) its mutations touch. */
export const CASE_KINDS = [
  "config",
  "config-bytes",
  "safetensors-header",
  "safetensors-bytes",
  "index",
  "index-bytes",
  "tokenizer",
  "tokenizer-config",
  "chat-template",
  "generation-config",
  "sentinel",
  "npz",
  "gguf-header",
  "gguf-bytes",
] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export interface FuzzCase {
  kind: CaseKind;
  /** Files written (bytes) or removed (null), relative to the model folder. */
  files: Map<string, Buffer | null>;
  changes: string[];
}

/** How a reader answered: a typed result or WhetError is an answer; anything else is a failure. */
export type ReaderOutcome = { reader: string; answer: string } | { reader: string; failure: string };

const SHARD = "model-00001-of-00002.safetensors";
const GGUF = "model.gguf";
const CONFIG_FOCUS = [...Object.keys(CONFIG_LIMITS), "model_type", "quantization", "quantization_config", "text_config", "eos_token_id", "tie_word_embeddings", "model_file", "auto_map", "video_processor", "torch_dtype"];

/**
 * The unmutated inputs: a two-shard factory model with index, tokenizer, chat
 * template and a sentinel (`base/`), and two .npz archives, stored and deflated.
 */
export interface NpzCorpus {
  stored: Buffer;
  deflated: Buffer;
  /** A member that inflates to 64 MB while its records declare 1 KB. */
  bomb: Buffer;
}

/** A small valid GGUF and where each of its counts, lengths and types lies. */
export interface GgufCorpus {
  bytes: Buffer;
  fields: GgufField[];
}

export interface Corpus {
  base: string;
  npz: NpzCorpus;
  gguf: GgufCorpus;
}

export async function buildCorpus(root: string): Promise<Corpus> {
  const base = join(root, "base");
  await makeModel({ dir: base, shards: 2 });
  await writeSentinel(base, newSentinel({ operation: "clone", sourceRepo: "fuzz/base", sourceRevision: "main" }));
  const arrays = [
    { name: "encoder.weight", descr: "<f4", shape: [4, 8], data: new Uint8Array(128).fill(7) },
    { name: "decoder.bias", descr: "<f2", shape: [16], data: new Uint8Array(32).fill(3) },
  ];
  await writeNpz(join(root, "stored.npz"), arrays);
  return {
    base,
    npz: {
      stored: await readFile(join(root, "stored.npz")),
      deflated: deflatedZip(arrays.map((a) => ({ name: `${a.name}.npy`, data: npy(a.descr, a.shape, Buffer.from(a.data)) }))),
      bomb: deflatedZip([{ name: "bomb.npy", data: Buffer.alloc(64 * 2 ** 20), declared: 1024 }]),
    },
    gguf: tinyGguf(),
  };
}

function npy(descr: string, shape: number[], data: Buffer): Buffer {
  return encodeNpy({ name: "", descr, shape, data });
}

/** A zip of deflated members (writeNpz only stores), with sizes as given unless `declared` overrides the uncompressed one. */
export function deflatedZip(members: { name: string; data: Buffer; declared?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name);
    const packed = deflateRawSync(member.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(member.data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(member.declared ?? member.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(member.data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(member.declared ?? member.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function parseJson(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString("utf8"));
}

/** Up to three JSON mutations of one file; a file that no longer parses gets byte damage instead. */
function mutateJsonFile(bytes: Buffer, random: Random, focus: readonly string[], changes: string[], file: string): Buffer {
  let root = parseJson(bytes);
  for (let n = 1 + int(random, 3); n > 0; n--) {
    const step = mutateJson(root, random, focus);
    root = step.root;
    changes.push(`${file}: ${step.change}`);
  }
  const text = JSON.stringify(root);
  // Nesting deeper than JSON.stringify can write: spliced in as text.
  if (random() < 0.05 && text.startsWith("{")) {
    const depth = int(random, 200_000);
    changes.push(`${file}: a value nested ${depth} lists deep`);
    return Buffer.from(`{"fuzz_deep":${"[".repeat(depth)}${"]".repeat(depth)}${text === "{}" ? "" : ","}${text.slice(1)}`);
  }
  return Buffer.from(text);
}

function byteDamage(bytes: Buffer, random: Random, changes: string[], file: string): Buffer {
  const step = mutateBytes(bytes, random);
  changes.push(`${file}: ${step.change}`);
  return step.bytes;
}

const PREFIXES = (size: number, headerSize: number) => [0n, 1n, 7n, 2n ** 63n, 2n ** 64n - 1n, BigInt(size), BigInt(size - 7), BigInt(headerSize + 1), BigInt(headerSize - 1), 100_000_001n];

/** Trial `trial` of a run seeded `seed`: its kind and the damaged files, all from the seed. */
export async function makeCase({ base, npz, gguf }: Corpus, seed: number, trial: number): Promise<FuzzCase> {
  const random = seededRandom(trialSeed(seed, trial));
  const kind = pick(random, CASE_KINDS);
  const files = new Map<string, Buffer | null>();
  const changes: string[] = [];
  const read = (file: string) => readFile(join(base, file));
  switch (kind) {
    case "config":
      files.set("config.json", mutateJsonFile(await read("config.json"), random, CONFIG_FOCUS, changes, "config.json"));
      break;
    case "config-bytes":
      files.set("config.json", byteDamage(await read("config.json"), random, changes, "config.json"));
      break;
    case "safetensors-header": {
      const bytes = await read(SHARD);
      const headerSize = Number(bytes.readBigUInt64LE(0));
      const header = mutateJsonFile(bytes.subarray(8, 8 + headerSize), random, [], changes, SHARD);
      const prefix = Buffer.alloc(8);
      // Mostly a consistent length, so the damage reaches the header's parser.
      prefix.writeBigUInt64LE(BigInt(random() < 0.8 ? header.length : headerSize));
      files.set(SHARD, Buffer.concat([prefix, header, bytes.subarray(8 + headerSize)]));
      break;
    }
    case "safetensors-bytes": {
      const bytes = Buffer.from(await read(SHARD));
      if (random() < 0.5) {
        const value = pick(random, PREFIXES(bytes.length, Number(bytes.readBigUInt64LE(0))));
        bytes.writeBigUInt64LE(value, 0);
        changes.push(`${SHARD}: header length set to ${value}`);
        files.set(SHARD, bytes);
      } else files.set(SHARD, byteDamage(bytes, random, changes, SHARD));
      break;
    }
    case "index":
      files.set(INDEX_FILE, mutateJsonFile(await read(INDEX_FILE), random, ["weight_map", "metadata"], changes, INDEX_FILE));
      break;
    case "index-bytes":
      files.set(INDEX_FILE, byteDamage(await read(INDEX_FILE), random, changes, INDEX_FILE));
      break;
    case "tokenizer": {
      const tokenizer = parseJson(await read("tokenizer.json")) as Record<string, unknown>;
      if (random() < 0.3) {
        const pattern = pick(random, SPLIT_PATTERNS);
        tokenizer.pre_tokenizer = { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: pattern }, behavior: "Isolated", invert: false }] };
        changes.push(`tokenizer.json: split pattern ${JSON.stringify(pattern)}`);
        files.set("tokenizer.json", Buffer.from(JSON.stringify(tokenizer)));
      } else files.set("tokenizer.json", mutateJsonFile(Buffer.from(JSON.stringify(tokenizer)), random, ["model", "added_tokens", "pre_tokenizer", "normalizer", "decoder"], changes, "tokenizer.json"));
      break;
    }
    case "tokenizer-config":
      files.set("tokenizer_config.json", mutateJsonFile(await read("tokenizer_config.json"), random, ["chat_template", "eos_token", "bos_token", "auto_map", "tokenizer_class", "added_tokens_decoder"], changes, "tokenizer_config.json"));
      break;
    case "chat-template": {
      const config = parseJson(await read("tokenizer_config.json")) as Record<string, unknown>;
      let template = String(config.chat_template);
      for (let n = 1 + int(random, 2); n > 0; n--) {
        const step = mutateTemplate(template, random);
        template = step.template;
        changes.push(`chat template: ${step.change}`);
      }
      if (random() < 0.2) {
        delete config.chat_template;
        files.set("chat_template.jinja", Buffer.from(template));
        changes.push("chat template moved to chat_template.jinja");
      } else config.chat_template = template;
      files.set("tokenizer_config.json", Buffer.from(JSON.stringify(config)));
      break;
    }
    case "generation-config":
      files.set("generation_config.json", mutateJsonFile(await read("generation_config.json"), random, ["eos_token_id", "bos_token_id"], changes, "generation_config.json"));
      break;
    case "sentinel":
      files.set(SENTINEL_FILE, random() < 0.7 ? mutateJsonFile(await read(SENTINEL_FILE), random, ["managed", "exclude_patterns", "source_repo", "operation"], changes, SENTINEL_FILE) : byteDamage(await read(SENTINEL_FILE), random, changes, SENTINEL_FILE));
      break;
    case "npz":
      files.set("weights.npz", npzCase(npz, random, changes));
      break;
    case "gguf-header":
      files.set(GGUF, ggufCase(gguf, random, changes));
      break;
    case "gguf-bytes":
      files.set(GGUF, byteDamage(gguf.bytes, random, changes, GGUF));
      break;
  }
  return { kind, files, changes };
}

/** Damage to a zip's records (counts, sizes, offsets, methods), its .npy headers, or a member that inflates past what it declares. */
function npzCase(npz: NpzCorpus, random: Random, changes: string[]): Buffer {
  const source = random() < 0.5 ? npz.stored : npz.deflated;
  const bytes = Buffer.from(source);
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const directory = bytes.readUInt32LE(end + 16);
  const field = pick(random, [
    { name: "entry count", at: end + 10, size: 2 },
    { name: "directory size", at: end + 12, size: 4 },
    { name: "directory offset", at: end + 16, size: 4 },
    { name: "method", at: directory + 10, size: 2 },
    { name: "compressed size", at: directory + 20, size: 4 },
    { name: "uncompressed size", at: directory + 24, size: 4 },
    { name: "name length", at: directory + 28, size: 2 },
    { name: "extra length", at: directory + 30, size: 2 },
    { name: "local header offset", at: directory + 42, size: 4 },
    { name: "local name length", at: 26, size: 2 },
    { name: "local extra length", at: 28, size: 2 },
    null,
    null,
    null,
  ]);
  if (field) {
    const value = pick(random, [0, 1, 0xffff, 0xffffffff, 0x7fffffff, bytes.length, int(random, 1 << 16)]) % 2 ** (8 * field.size);
    if (field.size === 2) bytes.writeUInt16LE(value, field.at);
    else bytes.writeUInt32LE(value, field.at);
    changes.push(`weights.npz (${source === npz.stored ? "stored" : "deflated"}): ${field.name} set to ${value}`);
    return bytes;
  }
  switch (int(random, 3)) {
    case 0: {
      const shape = pick(random, ["(1000000000000, 1000000000000)", "(-1,)", "(1e9,)", "()", "(4, 8, 0)", "(x,)", "(" + "1, ".repeat(5000) + ")"]);
      const member = npy("<f4", [4, 8], Buffer.alloc(128)).toString("latin1").replace("(4, 8)", shape);
      changes.push(`weights.npz: .npy shape ${describeValue(shape)}`);
      return deflatedZip([{ name: "a.npy", data: Buffer.from(member, "latin1") }]);
    }
    case 1:
      changes.push("weights.npz: a member that inflates to 64 MB but declares 1 KB");
      return npz.bomb;
    default:
      return byteDamage(source, random, changes, "weights.npz");
  }
}

const GGUF_U32 = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 30, 31, 39, 40, 0x03000000, 0x7fffffff, 0xffffffff];
const ggufU64 = (size: number, at: number) => [0n, 1n, 2n, 63n, 64n, 65_537n, 1_000_001n, 2n ** 20n + 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, BigInt(size), BigInt(size - at)];

/**
 * Damage to a GGUF header: one to three counts, lengths or types set to
 * extremes, or a file built to strain the reader (arrays nested deep, a
 * large vocabulary, many metadata keys).
 */
function ggufCase(gguf: GgufCorpus, random: Random, changes: string[]): Buffer {
  const roll = random();
  if (roll < 0.15) {
    const depth = 1 + int(random, 12);
    let value: GgufValue = { type: "uint8", value: 1 };
    for (let d = 0; d < depth; d++) value = { type: "array", element: value.type, items: [value, value] };
    changes.push(`${GGUF}: arrays nested ${depth} deep`);
    return encodeGguf({ metadata: [["general.architecture", { type: "string", value: "llama" }], ["fuzz.deep", value]], tensors: [] }).bytes;
  }
  if (roll < 0.2) {
    const keys = int(random, 70_000);
    const vocabulary = int(random, 100_000);
    changes.push(`${GGUF}: ${keys} metadata keys and a ${vocabulary}-token vocabulary`);
    return encodeGguf({
      metadata: [
        ["tokenizer.ggml.tokens", { type: "array", element: "string", items: Array.from({ length: vocabulary }, (_, i) => ({ type: "string" as const, value: `t${i}` })) }],
        ...Array.from({ length: keys }, (_, i): [string, GgufValue] => [`fuzz.k${i}`, { type: "uint32", value: i }]),
      ],
      tensors: [],
    }).bytes;
  }
  const bytes = Buffer.from(gguf.bytes);
  for (let n = 1 + int(random, 3); n > 0; n--) {
    const field = pick(random, gguf.fields);
    if (field.size === 4) {
      const value = random() < 0.8 ? pick(random, GGUF_U32) : int(random, 2 ** 32);
      bytes.writeUInt32LE(value, field.at);
      changes.push(`${GGUF}: ${field.name} set to ${value}`);
    } else {
      const value = random() < 0.8 ? pick(random, ggufU64(bytes.length, field.at)) : BigInt(int(random, 2 ** 20));
      bytes.writeBigUInt64LE(value, field.at);
      changes.push(`${GGUF}: ${field.name} set to ${value}`);
    }
  }
  return bytes;
}

/** Writes a case's files into the trial folder (a copy of `base`). */
export async function applyCase(dir: string, fuzzCase: FuzzCase): Promise<void> {
  for (const [file, bytes] of fuzzCase.files) {
    if (bytes === null) await rm(join(dir, file), { force: true });
    else await writeFile(join(dir, file), bytes);
  }
}

/** Puts the trial folder back to `base`: the files a case wrote are restored, new ones removed. */
export async function restoreCase(dir: string, base: string, fuzzCase: FuzzCase): Promise<void> {
  const original = new Set(await readdir(base));
  for (const file of fuzzCase.files.keys()) {
    if (original.has(file)) await cp(join(base, file), join(dir, file));
    else await rm(join(dir, file), { force: true });
  }
}

export async function prepareTrialFolder(dir: string, base: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(base, dir, { recursive: true });
}

async function answer(reader: string, run: () => Promise<string>): Promise<ReaderOutcome> {
  try {
    return { reader, answer: await run() };
  } catch (error) {
    if (isWhetError(error)) return { reader, answer: `error ${error.code}` };
    return { reader, failure: `${error instanceof Error ? error.constructor.name : typeof error}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` };
  }
}

/** Runs the readers a case reaches: health for every case, convert planning for weights and config, the .npz and GGUF readers for theirs. */
export async function runCase(dir: string, kind: CaseKind): Promise<ReaderOutcome[]> {
  const outcomes = [await answer("checkModel", async () => {
    const report = await checkModel(dir);
    return report.findings.map((f) => f.id).join(",") || "healthy";
  })];
  if (kind.startsWith("config") || kind.startsWith("safetensors") || kind.startsWith("index")) {
    outcomes.push(await answer("planConversion", async () => `${(await planConversion(dir, { mode: "quantize", bits: 4, groupSize: 64, groupSizeGiven: 64 })).tasks.length} tasks`));
  }
  if (kind === "npz") {
    outcomes.push(await answer("readNpz", async () => {
      let arrays = 0;
      for await (const entry of readNpz(join(dir, "weights.npz"))) arrays += entry.data.length >= 0 ? 1 : 0;
      return `${arrays} arrays`;
    }));
  }
  if (kind.startsWith("gguf")) {
    outcomes.push(await answer("readGgufHeader", async () => {
      const summary = await readGgufHeader(await modelFolder(dir), GGUF);
      return `gguf ${summary.tensorCount} tensors`;
    }));
  }
  return outcomes;
}
