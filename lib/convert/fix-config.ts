import type { Finding } from "../health/finding";
import { chatTemplateOf, tokenId, tokenIds, tokenString, turnEndTokens } from "../health/token-fields";

export interface ConfigFiles {
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown> | null;
  tokenizerConfig: Record<string, unknown> | null;
  tokenizer: Record<string, unknown> | null;
  /** The template of chat_template.jinja / chat_template.json, if the model has one. */
  chatTemplateFile: string | null;
}

export interface ConfigFix {
  files: ConfigFiles;
  /** One line per change, for the report and the sentinel. */
  changes: string[];
  /** Finding ids these changes address. */
  fixed: string[];
}

/**
 * The config repairs the catalog marks safe, each applied only for a finding
 * that calls for it and only from evidence in the model's own files. Pure:
 * returns new file contents, never writes.
 */
export function fixConfig(files: ConfigFiles, findings: readonly Finding[]): ConfigFix {
  const config = { ...files.config };
  let generationConfig = files.generationConfig ? { ...files.generationConfig } : null;
  const changes: string[] = [];
  const fixed: string[] = [];
  const has = (id: string) => findings.some((f) => f.id === id);

  // A4: eos_token_id null — take it from generation_config.json, else the tokenizer's eos token.
  if (has("eos-token-id-null")) {
    const fromGeneration = tokenIds(generationConfig?.eos_token_id);
    const eosToken = tokenString(files.tokenizerConfig?.eos_token);
    const fromTokenizer = eosToken && files.tokenizer ? tokenId(files.tokenizer, eosToken) : null;
    const value = fromGeneration.length > 1 ? fromGeneration : (fromGeneration[0] ?? fromTokenizer);
    if (value !== null && value !== undefined) {
      config.eos_token_id = value;
      changes.push(`config.json: eos_token_id null → ${JSON.stringify(value)} (from ${fromGeneration.length ? "generation_config.json" : "tokenizer_config.json"})`);
      fixed.push("eos-token-id-null");
    }
  }
  // A5: video_processor: null breaks processor loading; absent is the correct "none".
  if (has("video-processor-null") && "video_processor" in config && config.video_processor === null) {
    delete config.video_processor;
    changes.push("config.json: removed video_processor: null");
    fixed.push("video-processor-null");
  }
  // A quantization entry that no tensor backs only misleads tools that read it.
  const stale = findings.find((f) => f.id === "quantization-mismatch" && f.severity === "cosmetic");
  if (stale) {
    delete config.quantization;
    delete config.quantization_config;
    changes.push("config.json: removed quantization entries that no quantized tensor backs");
    fixed.push("quantization-mismatch");
  }
  // mlx-examples #737: the token that ends a chat turn must stop generation.
  if (has("eos-token-mismatch") && files.tokenizer && files.tokenizerConfig) {
    const template = chatTemplateOf(files.tokenizerConfig, files.chatTemplateFile) ?? "";
    const turnEnds = turnEndTokens(files.tokenizer, template).map((t) => t.id);
    const current = [...new Set([...tokenIds(config.eos_token_id), ...tokenIds(generationConfig?.eos_token_id)])];
    const merged = [...new Set([...current, ...turnEnds])];
    if (merged.length > current.length) {
      config.eos_token_id = merged;
      generationConfig = { ...(generationConfig ?? {}), eos_token_id: merged };
      changes.push(`config.json and generation_config.json: eos_token_id → ${JSON.stringify(merged)}`);
      fixed.push("eos-token-mismatch");
    }
  }
  return { files: { ...files, config, generationConfig }, changes, fixed };
}
