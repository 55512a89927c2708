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

  it("answers 400 context_length_exceeded for a prompt the model's context cannot hold, streamed or not (mlx-knife 2.0.8)", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "ws", "tiny"), seed: 82 });
    const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") } });
    onTestFinished(() => pool.stopAll());
    const post = (body: unknown) => new Request("http://127.0.0.1/v1", { method: "POST", body: JSON.stringify(body) });
    // Well past the tiny model's 2,048-token context, well under the size bound.
    const long = "Once upon a time there was a word. ".repeat(400);

    for (const stream of [false, true]) {
      const refused = await handleChatCompletions(post({ model: "tiny", stream, messages: [{ role: "user", content: long }] }), { pool });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("context_length_exceeded");
      expect(body.error.message).toMatch(/context holds 2048.*shorten it by at least \d+ tokens/);
    }
    // The runner is still there for a prompt that fits.
    const fits = await handleChatCompletions(post({ model: "tiny", max_tokens: 2, messages: [{ role: "user", content: "Hello" }] }), { pool });
    expect(fits.status).toBe(200);
  });
});
