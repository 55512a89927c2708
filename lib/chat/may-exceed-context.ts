/** Tokens a chat template may add: per message (role markers) and once (a default system header, a date). */
const TEMPLATE_PER_MESSAGE = 16;
const TEMPLATE_ONCE = 128;

/**
 * Whether a prompt made of `texts` might not leave a reply any room in `contextLength` tokens.
 * A token covers at least one UTF-8 byte, so bytes plus the template's allowance bound the count:
 * below that bound the prompt fits for sure and no tokenizer needs to be asked.
 */
export function mayExceedContext(texts: readonly string[], contextLength: number): boolean {
  const encoder = new TextEncoder();
  const bound = texts.reduce((n, text) => n + encoder.encode(text).length + TEMPLATE_PER_MESSAGE, TEMPLATE_ONCE);
  return bound >= contextLength;
}
