import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openChatStore } from "../../lib/chat/chat-store";
import type { ReplyEvent } from "../../lib/chat/generate-reply";
import { makeModel } from "../../lib/factory/make-model";
import { openAppDatabase } from "../../lib/store/app-database";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

async function caller() {
  const { call, config, services } = await testServices();
  await makeModel({ dir: join(config.workspaceRoot, "talker"), seed: 51 });
  return { call, config, services };
}

async function drain(events: AsyncIterable<ReplyEvent>, onEvent: (e: ReplyEvent) => void = () => undefined) {
  const seen: ReplyEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    onEvent(event);
  }
  return seen;
}

describe("chat router", () => {
  it("streams a reply, saves it with its statistics, stops one mid-way, and regenerates", async () => {
    const { call, config, services } = await caller();
    expect((await call.chat.models()).map((m) => m.id)).toEqual(["talker"]);

    const conversation = await call.chat.create({ model: "talker", system: "You are terse.", settings: { maxTokens: 10, temperature: 0, repetitionPenalty: null } });
    await call.chat.send({ conversationId: conversation.id, content: "What is a whetstone?" });
    const events = await drain(await call.chat.reply({ conversationId: conversation.id }));
    expect(events[0]).toMatchObject({ type: "reply", model: "talker" });
    const text = events.map((e) => (e.type === "delta" ? e.text : "")).join("");
    const saved = events.at(-1);
    expect(saved).toMatchObject({ type: "saved", message: { role: "assistant", content: text, stats: { completionTokens: 10, finishReason: "length" } } });

    // A long reply, stopped from a second request once a few tokens are out.
    // Greedy without a repetition penalty, this random-weight model loops and never reaches its end token.
    await call.chat.update({ id: conversation.id, settings: { ...conversation.settings, maxTokens: 100_000 } });
    await call.chat.send({ conversationId: conversation.id, content: "Go on, at length." });
    let deltas = 0;
    let replyId = "";
    const stopped = await drain(await call.chat.reply({ conversationId: conversation.id }), (e) => {
      if (e.type === "reply") replyId = e.replyId;
      if (e.type === "delta" && ++deltas === 2) void call.chat.stop({ replyId });
    });
    expect(stopped.at(-1)).toMatchObject({ type: "saved", message: { stats: { finishReason: "cancelled" } } });
    const stoppedStats = stopped.at(-1)?.type === "saved" ? (stopped.at(-1) as { message: { stats: { completionTokens: number } } }).message.stats : null;
    expect(stoppedStats?.completionTokens).toBeLessThan(500);

    // A page that goes away mid-reply stops the model too, and what was written is kept.
    await call.chat.dropLastReply({ conversationId: conversation.id });
    let seen = 0;
    for await (const event of await call.chat.reply({ conversationId: conversation.id })) {
      if (event.type === "delta" && ++seen === 2) break;
    }
    const afterLeaving = (await call.chat.conversation({ id: conversation.id })).messages.at(-1);
    expect(afterLeaving).toMatchObject({ role: "assistant", stats: { finishReason: "interrupted" } });
    expect(afterLeaving?.content.length).toBeGreaterThan(0);

    // Regenerate replaces the stopped reply with a new one.
    await call.chat.update({ id: conversation.id, settings: { ...conversation.settings, maxTokens: 6 } });
    expect(await call.chat.dropLastReply({ conversationId: conversation.id })).toMatchObject({ role: "assistant" });
    await drain(await call.chat.reply({ conversationId: conversation.id }));
    const { messages } = await call.chat.conversation({ id: conversation.id });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[3]?.stats).toMatchObject({ completionTokens: 6, finishReason: "length" });

    // Listed by model, titled by the first message, and kept on disk.
    expect((await call.chat.conversations({ model: "talker" })).map((c) => c.title)).toEqual(["What is a whetstone?"]);
    const db = openAppDatabase(config.dataDir);
    expect(openChatStore(db, config.dataDir).getConversation(conversation.id).messages).toHaveLength(4);
    db.close();
    expect(services.chats.listConversations()).toHaveLength(1);

    await expect(call.chat.reply({ conversationId: conversation.id }).then((it) => drain(it))).rejects.toMatchObject({ message: expect.stringContaining("does not end with a message") });
    await expect(call.chat.create({ model: "/etc/passwd" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("a reply stopped before its first token leaves no empty reply behind", async () => {
    const { call } = await caller();
    const settings = { maxTokens: 100_000, temperature: 0, repetitionPenalty: null };
    const busy = await call.chat.create({ model: "talker", settings });
    const queued = await call.chat.create({ model: "talker", settings: { ...settings, maxTokens: 10 } });
    await call.chat.send({ conversationId: busy.id, content: "Talk for a long time." });
    await call.chat.send({ conversationId: queued.id, content: "Hello?" });
    // The first reply holds the runner; the second waits in the queue and is stopped there.
    let busyReply = "";
    let generating!: () => void;
    const started = new Promise<void>((resolve) => (generating = resolve));
    const first = drain(await call.chat.reply({ conversationId: busy.id }), (e) => {
      if (e.type === "reply") busyReply = e.replyId;
      if (e.type === "delta") generating();
    });
    await started;
    let secondReply = "";
    const second = await drain(await call.chat.reply({ conversationId: queued.id }), (e) => {
      if (e.type === "reply") secondReply = e.replyId;
      if (e.type === "queued") void call.chat.stop({ replyId: secondReply });
    });
    expect(second.map((e) => e.type)).not.toContain("delta");
    expect(second.at(-1)).toEqual({ type: "discarded" });
    expect((await call.chat.conversation({ id: queued.id })).messages.map((m) => m.role)).toEqual(["user"]);
    await call.chat.stop({ replyId: busyReply });
    await first;
  });
});
