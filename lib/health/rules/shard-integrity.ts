import type { Finding } from "../finding";
import type { Rule } from "./rule";

const TRUNCATION_CODES = new Set(["safetensors_header_truncated", "safetensors_offset_out_of_bounds", "safetensors_too_small"]);

/** Every safetensors file must be non-empty and have a header that describes its bytes exactly. */
export const shardIntegrity: Rule = (facts) => {
  const findings: Finding[] = [];
  for (const shard of facts.shards) {
    if (shard.lfsPointer) continue;
    if (shard.size === 0) {
      findings.push({
        id: "shard-empty",
        severity: "blocks-loading",
        message: `${shard.file} is empty (0 bytes).`,
        reason: `Empty weight shards: ${shard.file}`,
        evidence: { file: shard.file },
        repair: null,
        hint: "Download the model again; this shard never arrived.",
      });
      continue;
    }
    if (!shard.error) continue;
    const truncated = TRUNCATION_CODES.has(shard.error.code);
    const tensor = shard.error.details.tensor;
    findings.push({
      id: truncated ? "shard-truncated" : "shard-corrupt",
      severity: "blocks-loading",
      message: shard.error.message,
      reason: truncated ? `Truncated weight shard: ${shard.file}` : `Invalid safetensors file: ${shard.file}`,
      evidence: typeof tensor === "string" ? { file: shard.file, tensor } : { file: shard.file },
      repair: null,
      hint: shard.error.hint,
    });
  }
  return findings;
};
