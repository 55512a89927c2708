import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_PROMPT_CHARS } from "../../lib/chat/prompt-limit";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

describe("chat prompt size bound (issue #10 finding 10)", () => {
  it("refuses a message that makes the conversation longer than a prompt may be, and keeps what was there", async () => {
    const { call } = await testServices();
    const { id } = await call.chat.create({ model: "tiny" });
    const part = "x".repeat(200_000);
    for (let sent = 0; sent + part.length <= MAX_PROMPT_CHARS; sent += part.length) await call.chat.send({ conversationId: id, content: part });
    await expect(call.chat.send({ conversationId: id, content: "one more" })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringMatching(/at most 1,000,000 are accepted/),
    });
    expect((await call.chat.conversation({ id })).messages).toHaveLength(5);
  });
});

describe("a prompt's size in tokens against the context (issue #13)", () => {
  it("counts what a reply would read, with the chat template, and shows a long message over the context", async () => {
    const { call, config } = await testServices();
    await makeModel({ dir: join(config.workspaceRoot, "talker"), seed: 71 });
    const { id } = await call.chat.create({ model: "talker", system: "You are terse.", settings: { maxTokens: 2, temperature: 0 } });
    await call.chat.send({ conversationId: id, content: "Hello there" });
    const counted = await call.chat.promptSize({ model: "talker", system: "You are terse.", conversationId: id, content: "And again?" });
    await call.chat.send({ conversationId: id, content: "And again?" });
    let read = -1;
    for await (const event of await call.chat.reply({ conversationId: id })) if (event.type === "start") read = event.promptTokens;
    expect(counted).toEqual({ promptTokens: read, contextLength: 2048 });

    const long = await call.chat.promptSize({ model: "talker", system: "", content: "word ".repeat(3000) });
    expect(long.promptTokens).toBeGreaterThan(2048);
  });
});
