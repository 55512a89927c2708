import type { ChatMessage } from "../runner/generation-params";

/** What the model reads for a conversation: its system prompt (when set), then its messages in order. */
export function chatHistory(system: string, messages: readonly Pick<ChatMessage, "role" | "content">[]): ChatMessage[] {
  return [...(system.trim() ? [{ role: "system" as const, content: system }] : []), ...messages.map((m) => ({ role: m.role, content: m.content }))];
}
