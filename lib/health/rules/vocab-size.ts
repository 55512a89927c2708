import { configCount } from "../config-numbers";
import type { Finding } from "../finding";
import type { Rule } from "./rule";
import { tensorTable } from "./tensor-table";

/** Highest token id the tokenizer can produce, plus one. */
function tokenizerSize(tokenizer: Record<string, unknown>): number | null {
  const model = tokenizer.model as { vocab?: unknown } | undefined;
  let max = -1;
  if (model?.vocab && typeof model.vocab === "object" && !Array.isArray(model.vocab)) {
    for (const id of Object.values(model.vocab as Record<string, unknown>)) if (typeof id === "number" && id > max) max = id;
  } else if (Array.isArray(model?.vocab)) {
    max = model.vocab.length - 1; // Unigram: [[piece, score], ...]
  }
  for (const token of Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : []) {
    const id = (token as { id?: unknown }).id;
    if (typeof id === "number" && id > max) max = id;
  }
  return max >= 0 ? max + 1 : null;
}

/** `vocab_size` must cover every token id and match the embedding rows. */
export const vocabSize: Rule = (facts) => {
  if (facts.config.state !== "ok") return [];
  const config = facts.config.value;
  const text = (config.text_config ?? {}) as Record<string, unknown>;
  const declared = config.vocab_size !== undefined ? configCount(config, "vocab_size") : configCount(text, "vocab_size");
  if (declared === null) return [];
  const findings: Finding[] = [];
  const tokens = facts.tokenizer.state === "ok" ? tokenizerSize(facts.tokenizer.value) : null;
  if (tokens !== null && declared < tokens) {
    findings.push({
      id: "vocab-size-mismatch",
      severity: "degrades-output",
      message: `vocab_size is ${declared} but the tokenizer produces ids up to ${tokens - 1}: those tokens have no embedding row.`,
      reason: `vocab_size ${declared} smaller than tokenizer vocabulary ${tokens}`,
      evidence: { file: "config.json", field: "vocab_size" },
      repair: null,
      hint: "The tokenizer does not belong to these weights: copy tokenizer files from the original model.",
    });
  }
  const embedding = [...tensorTable(facts).values()].find((t) => t.name.endsWith("embed_tokens.weight"));
  const rows = embedding?.shape[0];
  if (rows !== undefined && rows !== declared) {
    findings.push({
      id: "vocab-size-mismatch",
      severity: "blocks-loading",
      message: `vocab_size is ${declared} but ${embedding?.name} has ${rows} rows: mlx-lm refuses the shape.`,
      reason: `Expected shape (${declared}, ...) but received shape (${rows}, ...) for parameter ${embedding?.name}`,
      evidence: { file: "config.json", field: "vocab_size", tensor: embedding?.name as string },
      repair: null,
      hint: `If the weights are right, set "vocab_size": ${rows} in config.json.`,
    });
  }
  return findings;
};
