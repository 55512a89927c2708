import { describe, expect, it } from "vitest";
import { MAX_PROMPT_CHARS } from "../../lib/chat/prompt-limit";
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
