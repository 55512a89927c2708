import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { ReplyEvent } from "../../lib/chat/generate-reply";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

const greedy = { temperature: 0, repetitionPenalty: null };

/** Live runner processes (bridges) loading the model folder `dir`. */
async function bridgesFor(dir: string): Promise<number> {
  const { stdout } = await execa("ps", ["-eo", "stat=,args="]);
  return stdout.split("\n").filter((line) => !line.trim().startsWith("Z") && line.includes("runner_bridge.py") && line.trimEnd().endsWith(dir)).length;
}

/** Drains a reply within `ms`; null when it never ended (the hang of issue #10). */
async function within(events: AsyncIterable<ReplyEvent>, ms: number): Promise<ReplyEvent[] | null> {
  const seen: ReplyEvent[] = [];
  const drained = (async () => {
    for await (const event of events) seen.push(event);
    return seen;
  })();
  return Promise.race([drained, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]);
}

describe("chat replies at once (issue #10, the four-tab hang)", () => {
  it("a reply keeps its runner while another model is warmed into a full pool, and four tabs at once share one runner", async () => {
    const { call, config, services } = await testServices();
    await Promise.all(["talker", "hog", "other"].map((name, i) => makeModel({ dir: join(config.workspaceRoot, name), seed: 61 + i })));

    // A long reply holds one of the pool's two runners.
    const hog = await call.chat.create({ model: "hog", settings: { ...greedy, maxTokens: 100_000 } });
    await call.chat.send({ conversationId: hog.id, content: "Talk for a long time." });
    const hogReply = (await call.chat.reply({ conversationId: hog.id }))[Symbol.asyncIterator]();
    let hogReplyId = "";
    for (let next = await hogReply.next(); !next.done && next.value.type !== "delta"; next = await hogReply.next()) {
      if (next.value.type === "reply") hogReplyId = next.value.replyId;
    }

    // The talker is loaded and idle; a reply takes it, and before that reply reads on, another tab warms a third model.
    await call.chat.warm({ model: "talker" });
    await expect.poll(() => services.runners.list().find((r) => r.name === "talker")?.state, { timeout: 60_000 }).toBe("ready");
    const first = await call.chat.create({ model: "talker", settings: { ...greedy, maxTokens: 8 } });
    await call.chat.send({ conversationId: first.id, content: "Hello?" });
    const reply = (await call.chat.reply({ conversationId: first.id }))[Symbol.asyncIterator]();
    expect((await reply.next()).value).toMatchObject({ type: "reply", model: "talker" });
    let warmed = false;
    const warming = call.chat.warm({ model: "other" }).then(() => (warmed = true));
    while (!warmed && services.runners.list().some((r) => r.name === "talker")) await nextTurn();
    const rest = await within({ [Symbol.asyncIterator]: () => reply }, 30_000);
    expect(rest?.at(-1)).toMatchObject({ type: "saved", message: { stats: { completionTokens: 8 } } });
    await warming;

    // Four tabs open the talker at once into a full pool (one runner busy), each warming it as the page does:
    // every reply arrives, all from one runner in one process.
    await expect.poll(() => services.runners.list().find((r) => r.name === "other")?.state, { timeout: 60_000 }).toBe("ready");
    await services.runners.stop("talker");
    const opened = await Promise.all([0, 1, 2, 3].map(() => services.runners.runnerFor("talker")));
    // Making room stops the idle model; the calls that found the talker made meanwhile keep it.
    expect(new Set(opened.map((o) => o.runner)).size).toBe(1);
    const tabs = await Promise.all([0, 1, 2, 3].map(async (i) => {
      const conversation = await call.chat.create({ model: "talker", settings: { ...greedy, maxTokens: 6 } });
      await call.chat.send({ conversationId: conversation.id, content: `Tab ${i}: tell me about ${i * 17 + 3}.` });
      return conversation;
    }));
    const replies = await Promise.all(tabs.map(async (tab) => {
      await call.chat.warm({ model: "talker" });
      return within(await call.chat.reply({ conversationId: tab.id }), 60_000);
    }));
    for (const events of replies) expect(events?.at(-1)).toMatchObject({ type: "saved", message: { stats: { completionTokens: 6 } } });
    expect(services.runners.list().filter((r) => r.name === "talker")).toHaveLength(1);
    expect(await bridgesFor(join(config.workspaceRoot, "talker"))).toBe(1);

    await call.chat.stop({ replyId: hogReplyId });
    await within({ [Symbol.asyncIterator]: () => hogReply }, 30_000);
  });
});
