import { join } from "node:path";
import OpenAI from "openai";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../../lib/config";
import { processStats } from "../../lib/distributed/process-stats";
import { makeModel } from "../../lib/factory/make-model";
import { createRunnerPool } from "../../lib/runner/runner-pool";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { serveOpenAI } from "./standalone-server";

const tempDir = useTempDirs();

describe("OpenAI-compatible API over a distributed runner (2 ranks, ring backend on loopback)", () => {
  it("streams from the group, reports a rank killed mid-reply on that stream, and answers the next request", async () => {
    const root = await tempDir();
    const workspaceRoot = join(root, "workspaces");
    const hubCache = join(root, "hub");
    await makeModel({ dir: join(workspaceRoot, "chatty"), seed: 41 });
    const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot, hubCache } });
    const { runner } = await pool.runnerFor("chatty", { group: { ranks: 2 } });
    const server = await serveOpenAI({ host: "127.0.0.1", port: 0, roots: { workspaceRoot, hubCache }, ctx: { pool } });
    onTestFinished(async () => {
      await server.close();
      await pool.stopAll();
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "not-needed", maxRetries: 0 });
    const request = { model: "chatty", messages: [{ role: "user" as const, content: "Hello!" }], temperature: 0, repetition_penalty: 1.0 };

    const stream = await client.chat.completions.create({ ...request, max_tokens: 12, stream: true, stream_options: { include_usage: true } });
    let streamed = "";
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      streamed += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(12);
    expect(streamed.length).toBeGreaterThan(0);
    // The request named the model only: the pool gave it the group the model was placed on.
    expect(pool.list()).toEqual([expect.objectContaining({ name: "chatty", state: "ready", group: expect.objectContaining({ ranks: 2, mode: "tensor" }) })]);

    // Killed early, mid-way and late in a reply, rank 0 learns of it from rank 1's connection or first from a
    // failed collective: whichever wins, the stream's error names rank 1 and how it went, and says the fix.
    for (const [attempt, killAt] of [1, 3, 6].entries()) {
      const before = runner.status();
      const rank1 = before.group?.members?.[1]?.pid as number;
      const long = await client.chat.completions.create({ ...request, max_tokens: 100_000, stream: true });
      let received = 0;
      const read = (async () => {
        for await (const chunk of long) {
          if (chunk.choices[0]?.delta.content && ++received === killAt) process.kill(rank1, "SIGKILL");
        }
      })();
      await expect(read).rejects.toMatchObject({
        message: expect.stringMatching(/rank 1 of the group left \(killed by SIGKILL\); the group is being restarted/),
        error: { code: "rank_lost", hint: expect.stringContaining("Send the message again"), retryable: true },
      });

      // The third crash in a minute marks the runner failed; the next request starts it again all the same.
      const again = await client.chat.completions.create({ ...request, max_tokens: 12 });
      expect(again.choices[0]?.message.content).toBe(streamed);
      expect(runner.status()).toMatchObject({ state: "ready", restarts: attempt + 1 });
      expect(await processStats({ pgid: before.pid as number })).toEqual([]);
    }
  });
});
