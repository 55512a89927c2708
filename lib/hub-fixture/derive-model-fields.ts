import { readFile } from "node:fs/promises";
import { readSafetensorsHeader } from "../safetensors/read-header";
import type { Commit } from "./build-commit";
import { readCardData } from "./read-card-data";

export interface DerivedModelFields {
  /** The slice of config.json (and tokenizer_config.json) the Hub exposes as `config`. */
  config?: Record<string, unknown>;
  /** Parameter counts per dtype, as the Hub computes from safetensors headers. */
  safetensors?: { parameters: Record<string, number>; total: number };
  /** The README's YAML metadata, as the Hub's `cardData`. */
  cardData?: Record<string, unknown>;
}

const CONFIG_KEYS = ["architectures", "model_type", "quantization_config", "quantization"];
const TOKENIZER_KEYS = ["bos_token", "eos_token", "pad_token", "unk_token", "chat_template"];

// A commit's files never change, so each is read once however often it is asked for.
const cache = new WeakMap<Commit, Promise<DerivedModelFields>>();

/**
 * Fields the Hub derives from file contents. A file that is missing or broken
 * (the factory's defects make both) leaves its field out, as the Hub does,
 * instead of failing the request.
 */
export function deriveModelFields(commit: Commit): Promise<DerivedModelFields> {
  let fields = cache.get(commit);
  if (!fields) {
    fields = derive(commit);
    cache.set(commit, fields);
  }
  return fields;
}

async function derive(commit: Commit): Promise<DerivedModelFields> {
  const config = await readJsonFile(commit, "config.json");
  const tokenizer = await readJsonFile(commit, "tokenizer_config.json");
  const derived: DerivedModelFields = {};
  if (config) {
    derived.config = pick(config, CONFIG_KEYS);
    if (tokenizer) derived.config.tokenizer_config = pick(tokenizer, TOKENIZER_KEYS);
  }
  const readme = await readTextFile(commit, "README.md");
  const cardData = readme === null ? null : readCardData(readme);
  if (cardData) derived.cardData = cardData;
  const counts = await countParameters(commit);
  if (counts) derived.safetensors = counts;
  return derived;
}

async function readTextFile(commit: Commit, path: string): Promise<string | null> {
  const entry = commit.entries.get(path);
  if (entry?.type !== "file") return null;
  return readFile(entry.absPath, "utf8").catch(() => null);
}

async function readJsonFile(commit: Commit, path: string): Promise<Record<string, unknown> | null> {
  const text = await readTextFile(commit, path);
  if (text === null) return null;
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]));
}

async function countParameters(commit: Commit): Promise<DerivedModelFields["safetensors"] | null> {
  const shards = [...commit.entries.values()].filter((e) => e.type === "file" && e.path.endsWith(".safetensors"));
  if (shards.length === 0) return null;
  const parameters: Record<string, number> = {};
  for (const shard of shards) {
    if (shard.type !== "file") continue;
    const header = await readSafetensorsHeader(shard.absPath).catch(() => null);
    if (!header) return null;
    for (const tensor of header.tensors) {
      const count = tensor.shape.reduce((n, d) => n * d, 1);
      parameters[tensor.dtype] = (parameters[tensor.dtype] ?? 0) + count;
    }
  }
  return { parameters, total: Object.values(parameters).reduce((a, b) => a + b, 0) };
}
