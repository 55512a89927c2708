import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { hostileModelSpecs } from "../factory/hostile-specs";
import { createRunnerPool } from "../runner/runner-pool";
import { useTempDirs } from "../testing/temp-dir";
import { handleChatCompletions } from "./chat-completions";
import { handleCompletions } from "./completions";

const tempDir = useTempDirs();

describe("the OpenAI API names models, never paths (issue #10 finding 6)", () => {
  it("answers 400 invalid_model for paths and x/../../ tricks, and starts no runner", async () => {
    const root = await tempDir();
    const outside = join(root, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "config.json"), '{"model_type": "llama"}');
    const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") } });
    onTestFinished(() => pool.stopAll());
    const post = (body: Record<string, unknown>) => new Request("http://127.0.0.1/v1", { method: "POST", body: JSON.stringify(body) });
    for (const model of hostileModelSpecs(outside)) {
      const chat = await handleChatCompletions(post({ model, messages: [{ role: "user", content: "hi" }] }), { pool });
      expect(chat.status, model).toBe(400);
      expect(await chat.json()).toMatchObject({ error: { code: "invalid_model" } });
      const text = await handleCompletions(post({ model, prompt: "hi" }), { pool });
      expect(text.status, model).toBe(400);
    }
    expect(pool.list()).toEqual([]);
  });
});
