import { randomUUID } from "node:crypto";
import { WhetError } from "../errors";
import type { ChatMessage } from "../runner/generation-params";
import type { RunEvent } from "../runner/run-events";
import type { RunnerPool } from "../runner/runner-pool";
import { registerReply } from "./active-replies";
import type { ChatStore, StoredMessage } from "./chat-store";

export type ReplyEvent =
  | { type: "reply"; replyId: string; model: string }
  | Exclude<RunEvent, { type: "done" }>
  | { type: "saved"; message: StoredMessage };

/**
 * Answers the last user message of a conversation with its model and
 * settings, streaming the reply and saving it (with its token counts and
 * speed) when it ends. A stopped reply is kept as far as it got.
 */
export async function* generateReply(options: { store: ChatStore; pool: RunnerPool; conversationId: string; signal?: AbortSignal }): AsyncGenerator<ReplyEvent> {
  const { store, pool, conversationId } = options;
  const { conversation, messages } = store.getConversation(conversationId);
  if (messages.at(-1)?.role !== "user") {
    throw new WhetError("nothing_to_answer", "The conversation does not end with a message to answer", "Send a message first.");
  }
  const history: ChatMessage[] = [
    ...(conversation.system.trim() ? [{ role: "system" as const, content: conversation.system }] : []),
    ...messages.map((m) => ({ role: m.role, content: m.content })),
  ];
  const { runner, name } = await pool.runnerFor(conversation.model);

  const replyId = randomUUID();
  const controller = new AbortController();
  const unregister = registerReply(replyId, controller);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let text = "";
  try {
    yield { type: "reply", replyId, model: name };
    for await (const event of runner.generate({ messages: history }, conversation.settings, controller.signal)) {
      if (event.type !== "done") {
        if (event.type === "delta") text += event.text;
        yield event;
        continue;
      }
      const message = store.addMessage({
        conversationId,
        role: "assistant",
        content: text,
        stats: {
          promptTokens: event.usage.promptTokens,
          completionTokens: event.usage.completionTokens,
          ttftMs: event.timings.ttftMs,
          tokensPerSecond: event.timings.tokensPerSecond,
          finishReason: event.finishReason,
        },
      });
      yield { type: "saved", message };
    }
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
    unregister();
  }
}
