import { listSome } from "../finding";
import type { Rule } from "./rule";
import { repairCommand } from "./rule";

/** The formats transformers accepts in `__metadata__.format`. */
const KNOWN_FORMATS = new Set(["pt", "tf", "flax", "mlx"]);

/** ADR-018 B4 (mlx #743): safetensors without `__metadata__.format` are refused by transformers. */
export const safetensorsMetadata: Rule = (facts) => {
  const bad = facts.shards.filter((s) => s.header && !KNOWN_FORMATS.has(s.header.metadata?.format ?? "")).map((s) => s.file);
  if (bad.length === 0) return [];
  return [
    {
      id: "safetensors-metadata-missing",
      severity: "cosmetic",
      message: `${listSome(bad)} ha${bad.length === 1 ? "s" : "ve"} no __metadata__ "format" (pt/tf/flax/mlx): mlx-lm loads ${bad.length === 1 ? "it" : "them"}, transformers refuses.`,
      reason: "safetensors missing metadata",
      evidence: { files: bad, field: "__metadata__.format" },
      repair: "repair-weights",
      hint: repairCommand(facts, "repair-weights"),
    },
  ];
};
