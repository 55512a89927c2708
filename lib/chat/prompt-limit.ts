import { WhetError } from "../errors";
import type { GenerationInput } from "../runner/generation-params";

/**
 * The most text one generation may be asked to read: all messages (or the raw
 * prompt) together, 1,000,000 characters, far past any context these models
 * have. A 5 MB prompt once ran for minutes at 1.35 GB of runner memory.
 */
export const MAX_PROMPT_CHARS = 1_000_000;

/** The most bytes an API request body may have: the prompt limit with room for JSON escapes and settings. */
export const MAX_REQUEST_BYTES = 8 * 1024 ** 2;

export function promptChars(input: GenerationInput): number {
  return "prompt" in input ? input.prompt.length : input.messages.reduce((n, m) => n + m.content.length, 0);
}

/** Refuses a generation whose text is over MAX_PROMPT_CHARS, before any runner sees it. */
export function assertPromptSize(input: GenerationInput): void {
  const chars = promptChars(input);
  if (chars > MAX_PROMPT_CHARS) {
    throw new WhetError(
      "prompt_too_large",
      `The prompt is ${chars.toLocaleString("en-US")} characters; at most ${MAX_PROMPT_CHARS.toLocaleString("en-US")} are accepted`,
      "Send less text, or start a new conversation instead of continuing a very long one.",
      { chars, limit: MAX_PROMPT_CHARS },
    );
  }
}
