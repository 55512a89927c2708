import type { Finding } from "../finding";
import type { Rule } from "./rule";
import { repairCommand } from "./rule";

/** config.json must exist, parse, and name its architecture. */
export const configRules: Rule = (facts) => {
  const { config } = facts;
  if (config.state === "missing") {
    return [
      {
        id: "config-missing",
        severity: "blocks-loading",
        message: "config.json is missing, so no loader knows the model's architecture.",
        reason: "config.json missing",
        evidence: { file: "config.json" },
        repair: null,
        hint: "Copy config.json from the original model repository into the folder.",
      },
    ];
  }
  if (config.state === "invalid") {
    return [
      {
        id: "config-invalid",
        severity: "blocks-loading",
        message: `config.json ${config.message}.`,
        reason: "config.json contains invalid JSON",
        evidence: { file: "config.json" },
        repair: null,
        hint: "Fix the JSON by hand or copy config.json again from the original repository.",
      },
    ];
  }
  const value = config.value;
  const findings: Finding[] = [];
  if (Object.keys(value).length === 0) {
    findings.push({
      id: "config-invalid",
      severity: "blocks-loading",
      message: "config.json is an empty object.",
      reason: "config.json is empty or invalid",
      evidence: { file: "config.json" },
      repair: null,
      hint: "Copy config.json again from the original repository.",
    });
    return findings;
  }
  if (typeof value.model_type !== "string" || value.model_type === "") {
    findings.push({
      id: "model-type-missing",
      severity: "blocks-loading",
      message: "config.json has no model_type, so mlx-lm cannot pick a model class (ADR-018 B1).",
      reason: "config.json missing model_type field",
      evidence: { file: "config.json", field: "model_type" },
      repair: null,
      hint: 'Add "model_type" (for example "llama") to config.json, taking it from the original model.',
    });
  }
  if ("eos_token_id" in value && value.eos_token_id === null) {
    findings.push({
      id: "eos-token-id-null",
      severity: "degrades-output",
      message: "config.json sets eos_token_id to null, so generation may never stop (ADR-018 A4).",
      reason: "config.json eos_token_id is null",
      evidence: { file: "config.json", field: "eos_token_id" },
      repair: "repair-config",
      hint: repairCommand(facts, "repair-config"),
    });
  }
  if ("video_processor" in value && value.video_processor === null) {
    findings.push({
      id: "video-processor-null",
      severity: "blocks-loading",
      message: "config.json has video_processor: null, which breaks processor loading for Qwen2-VL style models (ADR-018 A5).",
      reason: "config.json video_processor is null",
      evidence: { file: "config.json", field: "video_processor" },
      repair: "repair-config",
      hint: repairCommand(facts, "repair-config"),
    });
  }
  const isWhisper = typeof value.model_type === "string" && value.model_type.toLowerCase().includes("whisper");
  if (isWhisper && !facts.files.some((f) => f.path === "preprocessor_config.json")) {
    findings.push({
      id: "preprocessor-config-missing",
      severity: "degrades-output",
      message: "Whisper model without preprocessor_config.json: mlx-audio cannot build its feature extractor (ADR-018 A6).",
      reason: "Whisper model missing preprocessor_config.json",
      evidence: { file: "preprocessor_config.json" },
      repair: "add-preprocessor-config",
      hint: repairCommand(facts, "add-preprocessor-config"),
    });
  }
  return findings;
};
