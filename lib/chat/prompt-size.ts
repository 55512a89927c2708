import type { RunnerPool } from "../runner/runner-pool";
import { chatHistory } from "./chat-history";
import type { ChatStore } from "./chat-store";

export interface PromptSize {
  /** Tokens the model would read with the new message sent (its chat template applied). */
  promptTokens: number;
  /** The model's context length; null when its config does not say. */
  contextLength: number | null;
}

/**
 * Counts, with the model's own tokenizer, the prompt a reply would read if
 * `content` were sent next: in conversation `conversationId`, or in a new one
 * with `system`. The page refuses a message that leaves no room for a reply.
 */
export async function promptSize(options: {
  store: ChatStore;
  pool: RunnerPool;
  model: string;
  system: string;
  conversationId?: string;
  content: string;
}): Promise<PromptSize> {
  const earlier = options.conversationId ? options.store.getConversation(options.conversationId).messages : [];
  const messages = chatHistory(options.system, [...earlier, { role: "user", content: options.content }]);
  const { runner } = await options.pool.runnerFor(options.model);
  const promptTokens = await runner.countPrompt({ messages });
  return { promptTokens, contextLength: runner.status().contextLength };
}
