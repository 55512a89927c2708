import type { Rule } from "./rule";
import { repairCommand } from "./rule";

const END_OF_TURN = /^<\|?(im_end|eot_id|end_of_turn|end|eot|endoftext)\|?>$|^<end_of_turn>$|^<\/s>$/;

function ids(value: unknown): number[] {
  if (typeof value === "number") return [value];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

/** The id of a token string in tokenizer.json (added tokens first, then the model vocabulary). */
export function tokenId(tokenizer: Record<string, unknown>, token: string): number | null {
  for (const added of Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : []) {
    const { content, id } = added as { content?: unknown; id?: unknown };
    if (content === token && typeof id === "number") return id;
  }
  const vocab = (tokenizer.model as { vocab?: Record<string, unknown> } | undefined)?.vocab;
  const id = vocab && !Array.isArray(vocab) ? vocab[token] : undefined;
  return typeof id === "number" ? id : null;
}

/**
 * The token the chat template closes each turn with must stop generation
 * (mlx-examples #737: Llama 3 kept talking past `<|eot_id|>`).
 */
export const eosConsistency: Rule = (facts) => {
  if (facts.config.state !== "ok" || facts.tokenizer.state !== "ok" || facts.tokenizerConfig.state !== "ok") return [];
  const template = facts.tokenizerConfig.value.chat_template ?? facts.chatTemplateFile;
  if (typeof template !== "string") return [];
  const tokenizer = facts.tokenizer.value;
  const stops = new Set([
    ...ids(facts.config.value.eos_token_id),
    ...(facts.generationConfig.state === "ok" ? ids(facts.generationConfig.value.eos_token_id) : []),
  ]);
  const eos = facts.tokenizerConfig.value.eos_token;
  const eosId = typeof eos === "string" ? tokenId(tokenizer, eos) : null;
  if (eosId !== null) stops.add(eosId);
  if (facts.config.value.eos_token_id === null) return []; // eos-token-id-null covers it
  const turnEnds = (Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : [])
    .map((t) => t as { content?: unknown; id?: unknown; special?: unknown })
    .filter((t) => t.special === true && typeof t.content === "string" && END_OF_TURN.test(t.content) && template.includes(t.content))
    .filter((t) => typeof t.id === "number" && !stops.has(t.id));
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
