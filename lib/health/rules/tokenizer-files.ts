import type { Rule } from "./rule";

/** A tokenizer_config.json needs the tokenizer it configures. */
export const tokenizerFiles: Rule = (facts) => {
  const { tokenizerConfig } = facts;
  if (tokenizerConfig.state === "missing") return [];
  if (tokenizerConfig.state === "invalid") {
    return [
      {
        id: "tokenizer-config-invalid",
        severity: "blocks-loading",
        message: `tokenizer_config.json ${tokenizerConfig.message}.`,
        reason: "tokenizer_config.json contains invalid JSON",
        evidence: { file: "tokenizer_config.json" },
        repair: null,
        hint: "Copy tokenizer_config.json again from the original repository.",
      },
    ];
  }
  const has = (name: string) => facts.files.some((f) => f.path === name);
  // Sentencepiece models ship tokenizer.model instead of tokenizer.json and load fine.
  if (has("tokenizer.json") || has("tokenizer.model") || has("tekken.json")) return [];
  return [
    {
      id: "tokenizer-json-missing",
      severity: "blocks-loading",
      message: "tokenizer_config.json is present but tokenizer.json (or tokenizer.model) is missing (ADR-018 B2).",
      reason: "tokenizer_config.json present but tokenizer.json missing",
      evidence: { file: "tokenizer.json" },
      repair: null,
      hint: "Copy tokenizer.json from the original model repository, or re-convert the model from it.",
    },
  ];
};
