import type { Rule } from "./rule";

/** Model types whose tokenizer.json files from transformers 4.39–4.57 carry the broken pre-tokenizer regex. */
const MISTRAL_FAMILY = ["mistral", "mistral3", "voxtral", "ministral", "pixtral"];

/** The pre-tokenizer split Mistral's Tekken tokenizers need (transformers' `fix_mistral_regex`). */
const MISTRAL_REGEX =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function splitPattern(preTokenizer: unknown): string | null {
  if (typeof preTokenizer !== "object" || preTokenizer === null) return null;
  const node = preTokenizer as { type?: unknown; pattern?: { Regex?: unknown; String?: unknown }; pretokenizers?: unknown[] };
  if (node.type === "Split") return typeof node.pattern?.Regex === "string" ? node.pattern.Regex : null;
  if (node.type === "Sequence" && Array.isArray(node.pretokenizers)) return splitPattern(node.pretokenizers[0]);
  return null;
}

/** "4.57.2" → [4, 57, 2]; anything unparsable → null. */
function versionOf(value: unknown): number[] | null {
  const digits = typeof value === "string" ? /^\d+(\.\d+)*/.exec(value) : null;
  return digits ? digits[0].split(".").map(Number) : null;
}

function before(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return false;
}

/**
 * ADR-018 A2: Mistral-family tokenizer.json files written by transformers
 * before 5.0 split text with a Llama-3 style regex instead of Mistral's, so
 * output shows `Ġ` markers and broken UTF-8. Detected from the files: a
 * Mistral model type, a pre-5.0 `transformers_version`, and a Split pattern
 * that is not Mistral's.
 */
export const tokenizerRegex: Rule = (facts) => {
  if (facts.config.state !== "ok" || facts.tokenizer.state !== "ok") return [];
  const config = facts.config.value;
  const modelType = typeof config.model_type === "string" ? config.model_type : "";
  if (!MISTRAL_FAMILY.includes(modelType)) return [];
  const version = versionOf(config.transformers_version);
  if (version && !before(version, [5, 0, 0])) return [];
  const pattern = splitPattern(facts.tokenizer.value.pre_tokenizer);
  if (pattern === MISTRAL_REGEX) return [];
  return [
    {
      id: "tokenizer-regex",
      severity: "degrades-output",
      message: `tokenizer.json of this ${modelType} model (transformers ${String(config.transformers_version ?? "unknown")}) has the broken pre-tokenizer regex: output shows Ġ markers and garbled UTF-8 unless it is fixed at load time (ADR-018 A2).`,
      reason: "Tokenizer pre-tokenizer regex bug (transformers 4.39-4.57.2)",
      evidence: { file: "tokenizer.json", field: "pre_tokenizer" },
      repair: null,
      hint: "Whetstone's chat runner applies the fix when it loads the model; with transformers pass fix_mistral_regex=True to AutoTokenizer.from_pretrained.",
    },
  ];
};
