import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { MAX_PROMPT_CHARS, MAX_REQUEST_BYTES } from "../chat/prompt-limit";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { createRunnerPool } from "../runner/runner-pool";
import { useTempDirs } from "../testing/temp-dir";
import { handleChatCompletions } from "./chat-completions";
import { handleCompletions } from "./completions";

const tempDir = useTempDirs();

describe("prompt size bound on the OpenAI API (issue #10 finding 10)", () => {
  it("answers 413 for a prompt over the limit or a body over its size, before any runner starts", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "ws", "tiny"), seed: 81 });
    const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") } });
    onTestFinished(() => pool.stopAll());
    const post = (body: string) => new Request("http://127.0.0.1/v1", { method: "POST", body });
    const over = "word ".repeat(MAX_PROMPT_CHARS / 5 + 1);

    const chat = await handleChatCompletions(post(JSON.stringify({ model: "tiny", messages: [{ role: "system", content: "x" }, { role: "user", content: over }] })), { pool });
    expect(chat.status).toBe(413);
    expect(await chat.json()).toMatchObject({ error: { code: "prompt_too_large", message: expect.stringMatching(/at most 1,000,000 are accepted/) } });
    const split = await handleChatCompletions(post(JSON.stringify({ model: "tiny", messages: [1, 2, 3].map(() => ({ role: "user", content: over.slice(0, MAX_PROMPT_CHARS / 2) })) })), { pool });
    expect(split.status).toBe(413);
    const text = await handleCompletions(post(JSON.stringify({ model: "tiny", prompt: over })), { pool });
    expect(text.status).toBe(413);

    const huge = await handleCompletions(post(JSON.stringify({ model: "tiny", prompt: "x".repeat(MAX_REQUEST_BYTES) })), { pool });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: "request_too_large" } });
    expect(pool.list()).toEqual([]);
  });
});
