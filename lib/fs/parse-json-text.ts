/** The outcome of parsing text from a file: the value, or a problem that never quotes the text. */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; problem: string };

/** Where a JSON syntax error is, as V8 words it ("… at position 42"), in line and column. */
function location(message: string, text: string): string {
  const at = /position (\d+)/.exec(message);
  if (!at) return "";
  const offset = Math.min(Number(at[1]), text.length);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return ` at line ${line}, column ${column}`;
}

/**
 * JSON.parse for text from disk or the Hub. V8's error message quotes the
 * first bytes of the text (a secret, if the file is a link to one), so the
 * problem is reworded from its position only.
 */
export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : "";
    if (/end of JSON input/.test(message)) return { ok: false, problem: "is not valid JSON (it ends too early)" };
    return { ok: false, problem: `is not valid JSON${location(message, text)}` };
  }
}
