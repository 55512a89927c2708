import type { Finding } from "../finding";
import type { Rule } from "./rule";

/**
 * Every GGUF file must have a header llama.cpp can read. A GGUF-only folder is already not an
 * MLX model (its framework says so), so the finding explains what is wrong with the file itself;
 * beside safetensors weights a damaged GGUF does not stop MLX loading, so it is only cosmetic there.
 */
export const ggufHeader: Rule = (facts) => {
  const besideMlxWeights = facts.shards.length > 0;
  return facts.gguf.flatMap((gguf): Finding[] => {
    if (!gguf.error) return [];
    const truncated = gguf.error.code === "gguf_truncated";
    return [
      {
        id: truncated ? "gguf-truncated" : "gguf-invalid",
        severity: besideMlxWeights ? "cosmetic" : "blocks-loading",
        message: gguf.error.message,
        reason: truncated ? `Truncated GGUF file: ${gguf.file}` : `Invalid GGUF file: ${gguf.file}`,
        evidence: { file: gguf.file },
        repair: null,
        hint: gguf.error.hint,
      },
    ];
  });
};
