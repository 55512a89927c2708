import { z } from "zod";
import { WhetError } from "../errors";

/**
 * The largest value each count in config.json may take. Every number read
 * from a model's config goes through these bounds before it sizes a loop or
 * an allocation: a damaged or hostile file says `num_hidden_layers: 1e12`,
 * and a loop over it never ends. The limits sit one to three orders of
 * magnitude above the largest released models (mid-2025: ~160 layers,
 * hidden 25,600, FFN 106,496 wide, vocabularies of 262,144 tokens, 384
 * experts, 10 M-token contexts), so no real model comes near them.
 */
export const CONFIG_LIMITS = {
  num_hidden_layers: 10_000,
  num_layers: 10_000,
  n_layer: 10_000,
  hidden_size: 1_000_000,
  intermediate_size: 10_000_000,
  moe_intermediate_size: 10_000_000,
  vocab_size: 10_000_000,
  num_attention_heads: 100_000,
  num_key_value_heads: 100_000,
  head_dim: 1_000_000,
  num_experts: 100_000,
  num_local_experts: 100_000,
  n_routed_experts: 100_000,
  n_shared_experts: 100_000,
  num_experts_per_tok: 100_000,
  max_position_embeddings: 1_000_000_000,
} as const;

/** MLX quantizes with 1 to 8 bits; group sizes stay far below 1,024 (mx.quantize takes 32, 64 and 128). */
export const QUANTIZATION_LIMITS = { bits: 8, group_size: 1024 } as const;

export type ConfigCount = keyof typeof CONFIG_LIMITS;

/** One number of config.json out of bounds: where, and the sentence that says so. */
export interface ConfigNumberProblem {
  /** Dotted path in config.json, e.g. `text_config.vocab_size` or `quantization.bits`. */
  field: string;
  message: string;
}

/** A count: a whole number from 0 to `max`. */
export function countSchema(max: number, min = 0) {
  return z.number().int().min(min).max(max);
}

function kind(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : `a ${typeof value}`;
}

/** What is wrong with a number, in words that never quote a string from the file; null when it is in bounds. */
function outOfBounds(field: string, value: unknown, max: number, min = 0): string | null {
  if (countSchema(max, min).safeParse(value).success) return null;
  const what = `config.json: ${field}`;
  if (typeof value !== "number") return `${what} is ${kind(value)}, not a whole number; the file is damaged`;
  if (!Number.isFinite(value)) return `${what} is not a finite number; the file is damaged`;
  if (!Number.isInteger(value)) return `${what} is ${value}, not a whole number; the file is damaged`;
  if (value < min) return min === 0 ? `${what} is ${value}, a negative count; the file is damaged` : `${what} is ${value}, less than ${min}; the file is damaged`;
  return `${what} is ${value}, more than any real model (max ${max}); the file is damaged`;
}

/** A count read from one config object: absent and null are allowed (the loader's default applies); lists are per-layer values. */
function checkCount(problems: ConfigNumberProblem[], field: string, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  const values = Array.isArray(value) ? value : [value];
  if (values.length > CONFIG_LIMITS.num_hidden_layers) {
    problems.push({ field, message: `config.json: ${field} lists ${values.length} values, more than any real model has layers (max ${CONFIG_LIMITS.num_hidden_layers}); the file is damaged` });
    return;
  }
  for (const v of values) {
    const message = outOfBounds(field, v, max);
    if (message) return void problems.push({ field, message });
  }
}

function checkQuantization(problems: ConfigNumberProblem[], field: string, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  for (const key of ["bits", "group_size"] as const) {
    const number = (value as Record<string, unknown>)[key];
    // mlx-lm's mixed recipes write group_size null per layer: the default applies.
    if (number === undefined || number === null) continue;
    const message = outOfBounds(`${field}.${key}`, number, QUANTIZATION_LIMITS[key], 1);
    if (message) problems.push({ field: `${field}.${key}`, message });
  }
}

/**
 * Every count of config.json (top level and `text_config`) and every
 * quantization entry's bits and group size that is out of bounds.
 */
export function configNumberProblems(config: Record<string, unknown>): ConfigNumberProblem[] {
  const problems: ConfigNumberProblem[] = [];
  const text = config.text_config;
  const scopes: [string, Record<string, unknown>][] = [["", config]];
  if (typeof text === "object" && text !== null && !Array.isArray(text)) scopes.push(["text_config.", text as Record<string, unknown>]);
  for (const [prefix, scope] of scopes) {
    for (const [key, max] of Object.entries(CONFIG_LIMITS)) checkCount(problems, `${prefix}${key}`, scope[key], max);
  }
  for (const key of ["quantization", "quantization_config"]) {
    const quantization = config[key];
    if (typeof quantization !== "object" || quantization === null || Array.isArray(quantization)) continue;
    // Other tools' methods (GPTQ writes group_size -1 on purpose) follow their own rules; mlx-lm does not read them.
    if ("quant_method" in quantization) continue;
    checkQuantization(problems, key, quantization);
    // Per-module entries: mlx-lm keys them by module path next to the global bits and group size.
    for (const [path, entry] of Object.entries(quantization)) if (typeof entry === "object") checkQuantization(problems, `${key}.${path}`, entry);
  }
  return problems;
}

/** A count of config.json (or its `text_config`), or null when absent or out of bounds. */
export function configCount(config: Record<string, unknown>, key: ConfigCount): number | null {
  const value = config[key];
  return countSchema(CONFIG_LIMITS[key]).safeParse(value).success ? (value as number) : null;
}

/** Refuses a config with any number out of bounds, before it plans anything. */
export function assertConfigNumbers(config: Record<string, unknown>): void {
  const [first, ...more] = configNumberProblems(config);
  if (!first) return;
  throw new WhetError(
    "config_number_invalid",
    more.length ? `${first.message} (and ${more.length} more number(s) out of bounds)` : first.message,
    "Copy config.json again from the original model repository; `whet health` lists every number out of bounds.",
    { fields: [first, ...more].map((p) => p.field) },
  );
}
