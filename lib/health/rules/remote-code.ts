import type { Finding } from "../finding";
import type { Rule } from "./rule";

const HINT = "Use a conversion of this model to an architecture mlx-lm ships (mlx-community often has one); Whetstone never runs a model's own Python.";

/** The class names an auto_map entry points at: "module.Class" or "org/repo--module.Class", alone or as [slow, fast]. */
function classNames(entry: unknown): string[] {
  const refs = Array.isArray(entry) ? entry : [entry];
  return refs.filter((r): r is string => typeof r === "string").map((r) => r.split(".").pop() as string);
}

const withoutFast = (name: string) => name.replace(/Fast$/, "");

/**
 * Code shipped in the model folder, which mlx-lm runs only with
 * trust_remote_code (Whetstone never passes it): config.json's `model_file`
 * (mlx-lm refuses to build the model), and a tokenizer whose class exists only
 * as such code (transformers refuses it at load). An `auto_map` whose
 * `tokenizer_class` is one transformers ships is left alone: transformers
 * loads its own class, as it does for config.json's `auto_map`, which mlx-lm
 * never reads.
 */
export const remoteCode: Rule = (facts) => {
  const findings: Finding[] = [];
  if (facts.config.state === "ok" && typeof facts.config.value.model_file === "string") {
    findings.push({
      id: "remote-code",
      severity: "blocks-loading",
      message: "config.json sets model_file: the architecture is Python code in the folder, which mlx-lm runs only with trust_remote_code, so it refuses to load the model.",
      reason: "Model requires custom code (model_file)",
      evidence: { file: "config.json", field: "model_file" },
      repair: null,
      hint: HINT,
    });
  }
  if (facts.tokenizerConfig.state === "ok") {
    const { auto_map: autoMap, tokenizer_class: tokenizerClass } = facts.tokenizerConfig.value;
    // transformers reads a bare list as the AutoTokenizer entry (its legacy format).
    const entry = Array.isArray(autoMap) ? autoMap : typeof autoMap === "object" && autoMap !== null ? (autoMap as Record<string, unknown>).AutoTokenizer : undefined;
    const custom = classNames(entry).map(withoutFast);
    if (custom.length > 0 && (typeof tokenizerClass !== "string" || custom.includes(withoutFast(tokenizerClass)))) {
      findings.push({
        id: "remote-code",
        severity: "blocks-loading",
        message: "tokenizer_config.json maps AutoTokenizer to a tokenizer class that exists only as Python code in the folder (auto_map): transformers runs it only with trust_remote_code, which mlx-lm does not pass, so loading stops at the tokenizer.",
        reason: "Tokenizer requires custom code (auto_map)",
        evidence: { file: "tokenizer_config.json", field: "auto_map" },
        repair: null,
        hint: HINT,
      });
    }
  }
  return findings;
};
