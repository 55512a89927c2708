import { describe, expect, it } from "vitest";
import { nestsRepetition } from "./nested-repetition";

// Pre-tokenizer splits of released tokenizers: none nests repetition.
const REAL = [
  // Llama 3 / tiktoken cl100k
  String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // o200k / Mistral Tekken (catalog A2's fix)
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // DeepSeek V3 (a class holding brackets, quantifier characters and escapes)
  String.raw`[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_` + "`" + String.raw`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  String.raw`[一-龥぀-ゟ゠-ヿ]+`,
  // GPT-2
  String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
];

describe("nestsRepetition", () => {
  it("passes the patterns of released tokenizers", () => {
    for (const pattern of REAL) expect(nestsRepetition(pattern), pattern).toBe(false);
  });

  it("finds repetition of a repeated group, however it is written", () => {
    for (const pattern of [String.raw`(a+)+$`, String.raw`(?:\s*x)*y`, String.raw`((ab)*c)+`, String.raw`(?<w>\w+){2,}`, String.raw`(a|[)]+)*`, String.raw`([a-z]+\d?)+$`]) {
      expect(nestsRepetition(pattern), pattern).toBe(true);
    }
    for (const pattern of [String.raw`(a+)?`, String.raw`(a+){2}`, String.raw`\(a+\)+`, String.raw`[(a+)]+`, String.raw`(?=a+)b+`]) {
      expect(nestsRepetition(pattern), pattern).toBe(false);
    }
  });
});
