import { chatTemplateOf, tokenId, tokenIds, turnEndTokens } from "../token-fields";
import type { Rule } from "./rule";
import { repairCommand } from "./rule";

/**
 * The token the chat template closes each turn with must stop generation
 * (mlx-examples #737: Llama 3 kept talking past `<|eot_id|>`).
 */
export const eosConsistency: Rule = (facts) => {
  if (facts.config.state !== "ok" || facts.tokenizer.state !== "ok" || facts.tokenizerConfig.state !== "ok") return [];
  if (facts.config.value.eos_token_id === null) return []; // eos-token-id-null covers it
  const template = chatTemplateOf(facts.tokenizerConfig.value, facts.chatTemplateFile);
  if (template === null) return [];
  const tokenizer = facts.tokenizer.value;
  const stops = new Set([
    ...tokenIds(facts.config.value.eos_token_id),
    ...(facts.generationConfig.state === "ok" ? tokenIds(facts.generationConfig.value.eos_token_id) : []),
  ]);
  const eos = facts.tokenizerConfig.value.eos_token;
  const eosId = typeof eos === "string" ? tokenId(tokenizer, eos) : null;
  if (eosId !== null) stops.add(eosId);
  const turnEnds = turnEndTokens(tokenizer, template).filter((t) => !stops.has(t.id));
  if (turnEnds.length === 0) return [];
  const names = turnEnds.map((t) => String(t.content));
  return [
    {
      id: "eos-token-mismatch",
      severity: "degrades-output",
      message: `The chat template ends turns with ${names.join(", ")}, which is not an eos token: replies run on past the end of the turn.`,
      reason: `End-of-turn token ${names.join(", ")} missing from eos_token_id`,
      evidence: { file: "generation_config.json", field: "eos_token_id" },
      repair: "repair-config",
      hint: repairCommand(facts, "repair-config"),
    },
  ];
};
