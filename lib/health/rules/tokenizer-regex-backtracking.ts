import { nestsRepetition } from "../nested-repetition";
import type { Rule } from "./rule";

/** Nesting a tokenizer.json may have in the parts that hold patterns (pre_tokenizer, normalizer); deeper is not walked. */
const MAX_DEPTH = 32;

/** Every `pattern.Regex` string under `node`. */
function regexes(node: unknown, depth = 0): string[] {
  if (typeof node !== "object" || node === null || depth > MAX_DEPTH) return [];
  const own = (node as { pattern?: { Regex?: unknown } }).pattern?.Regex;
  const children = Object.values(node).flatMap((child) => regexes(child, depth + 1));
  return typeof own === "string" ? [own, ...children] : children;
}

/**
 * A pre-tokenizer or normalizer pattern that nests unbounded repetition makes
 * the tokenizers library backtrack on some texts until Oniguruma gives up (a
 * panic the runner reports as a failed request) or for minutes.
 */
export const tokenizerRegexBacktracking: Rule = (facts) => {
  if (facts.tokenizer.state !== "ok") return [];
  const { pre_tokenizer: preTokenizer, normalizer } = facts.tokenizer.value;
  const field = regexes(preTokenizer).some(nestsRepetition) ? "pre_tokenizer" : regexes(normalizer).some(nestsRepetition) ? "normalizer" : null;
  if (field === null) return [];
  return [
    {
      id: "tokenizer-regex-backtracking",
      severity: "degrades-output",
      message: `A ${field} pattern in tokenizer.json repeats a repeated group (like (a+)+): some messages make the tokenizer backtrack until it fails, so those chat requests end in an error.`,
      reason: "Tokenizer regex with nested repetition (catastrophic backtracking)",
      evidence: { file: "tokenizer.json", field },
      repair: null,
      hint: "Copy tokenizer.json again from the original model repository.",
    },
  ];
};
