/** Readers for the token fields of config.json, generation_config.json and the tokenizer files. */

/** `eos_token_id` as a list: a number, a list of numbers, or nothing. */
export function tokenIds(value: unknown): number[] {
  if (typeof value === "number") return [value];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

/** A special-token field as text: a string, or an AddedToken object's `content`. */
export function tokenString(value: unknown): string | null {
  if (typeof value === "string") return value;
  const content = (value as { content?: unknown } | null)?.content;
  return typeof content === "string" ? content : null;
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
 * The chat template chat front ends use: tokenizer_config.json's `chat_template`
 * (a string, or named templates `[{name, template}]` where "default" wins), else the
 * one in chat_template.jinja / chat_template.json.
 */
export function chatTemplateOf(tokenizerConfig: Record<string, unknown> | null, templateFile: string | null): string | null {
  const value = tokenizerConfig?.chat_template;
  if (typeof value === "string" && value.trim() !== "") return value;
  if (Array.isArray(value)) {
    const named = value.find((t: { name?: string }) => t?.name === "default") ?? value[0];
    if (typeof named?.template === "string") return named.template;
  }
  return templateFile;
}

const END_OF_TURN = /^<\|?(im_end|eot_id|end_of_turn|end|eot|endoftext)\|?>$|^<end_of_turn>$|^<\/s>$/;

/** Special tokens the chat template uses that close a turn (`<|im_end|>`, `<|eot_id|>`, ...). */
export function turnEndTokens(tokenizer: Record<string, unknown>, template: string): { id: number; content: string }[] {
  return (Array.isArray(tokenizer.added_tokens) ? tokenizer.added_tokens : [])
    .map((t) => t as { content?: unknown; id?: unknown; special?: unknown })
    .filter((t): t is { content: string; id: number; special: true } =>
      t.special === true && typeof t.content === "string" && typeof t.id === "number" && END_OF_TURN.test(t.content) && template.includes(t.content),
    )
    .map(({ id, content }) => ({ id, content }));
}
