import { randomUUID } from "node:crypto";
import { WhetError } from "../errors";
import type { RunEvent } from "../runner/run-events";
import type { RunnerPool } from "../runner/runner-pool";
import type { ActiveReplies } from "./active-replies";
import { chatHistory } from "./chat-history";
import { assertPromptSize } from "./prompt-limit";
import type { ChatStore, StoredMessage } from "./chat-store";

export type ReplyEvent =
  | { type: "reply"; replyId: string; model: string }
  | Exclude<RunEvent, { type: "done" }>
  | { type: "saved"; message: StoredMessage }
  /** Stopped before the first token: there is no reply to keep. */
  | { type: "discarded" };

/**
 * Answers the last user message of a conversation with its model and
 * settings, streaming the reply and saving it (with its token counts and
 * speed) when it ends. A stopped reply is kept as far as it got.
 */
export async function* generateReply(options: {
  store: ChatStore;
  pool: RunnerPool;
  replies: ActiveReplies;
  conversationId: string;
  signal?: AbortSignal;
}): AsyncGenerator<ReplyEvent> {
  const { store, pool, conversationId } = options;
  const { conversation, messages } = store.getConversation(conversationId);
  if (messages.at(-1)?.role !== "user") {
    throw new WhetError("nothing_to_answer", "The conversation does not end with a message to answer", "Send a message first.");
  }
  const history = chatHistory(conversation.system, messages);
  assertPromptSize({ messages: history });
  const { runner, name } = await pool.runnerFor(conversation.model);

  const replyId = randomUUID();
  const controller = new AbortController();
  const unregister = options.replies.register(replyId, controller, conversationId);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  let text = "";
  let saved = false;
  const events = runner.generate({ messages: history }, conversation.settings, controller.signal);
  // The page went away mid-reply (closed, reloaded): what was written is kept, marked as interrupted.
  let left = false;
  const save = (done: Extract<RunEvent, { type: "done" }>) => {
    saved = true;
    const interrupted = done.finishReason === "cancelled" && (left || options.signal?.aborted === true);
    return store.addMessage({
      conversationId,
      role: "assistant",
      content: text,
      stats: {
        promptTokens: done.usage.promptTokens,
        completionTokens: done.usage.completionTokens,
        ttftMs: done.timings.ttftMs,
        tokensPerSecond: done.timings.tokensPerSecond,
        finishReason: interrupted ? "interrupted" : done.finishReason,
      },
    });
  };
  try {
    yield { type: "reply", replyId, model: name };
    for (let next = await events.next(); !next.done; next = await events.next()) {
      const event = next.value;
      if (event.type === "done") {
        if (text === "" && event.finishReason === "cancelled") {
          saved = true;
          yield { type: "discarded" };
        } else yield { type: "saved", message: save(event) };
        continue;
      }
      if (event.type === "delta") text += event.text;
      yield event;
    }
    // Stopped while still queued: the runner never started it, and there is nothing to keep.
    if (!saved) {
      saved = true;
      yield { type: "discarded" };
    }
  } finally {
    if (!saved) {
      left = true;
      controller.abort();
      for (let next = await events.next(); !next.done; next = await events.next()) {
        if (next.value.type === "delta") text += next.value.text;
        if (next.value.type === "done" && text) save(next.value);
      }
    }
    options.signal?.removeEventListener("abort", onOuterAbort);
    unregister();
  }
}
