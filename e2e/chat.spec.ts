import { expect, test } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

test("chat with a workspace: a streamed reply with its statistics, a reply stopped mid-way, kept after a reload", async ({ page, request }, testInfo) => {
  // A workspace to chat with, cloned from the demo hub through the UI.
  await cloneFromHub(page, "whetstone-demo/tiny-llama-f16", "chat-ws");

  // The chat page offers it; settings make the first reply short and repeatable.
  await page.getByRole("link", { name: "Chat", exact: true }).click();
  await page.getByTestId("model-select").selectOption("chat-ws");
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("System prompt").fill("You are a helpful assistant.");
  await page.getByLabel("Max tokens").fill("24");
  await page.getByLabel("Temperature").fill("0");
  await page.getByLabel("Message").fill("Hello! What is a whetstone?");
  await page.getByRole("button", { name: "Send" }).click();

  const replies = page.locator('[data-testid="message"][data-role="assistant"]');
  await expect(replies).toHaveCount(1);
  await expect(replies.first().getByTestId("reply-stats")).toContainText(/first token \d+ ms · [\d.]+ tokens\/s · 24 tokens · max tokens reached/);
  await expect(page.getByTestId("conversation-list")).toContainText("Hello! What is a whetstone?");

  // A long reply, stopped once it is visibly streaming: the runner stops and the partial reply is kept.
  // Greedy without a repetition penalty, this random-weight model loops and never reaches its end token.
  await page.getByLabel("Max tokens").fill("200000");
  await page.getByLabel("Repetition penalty").fill("");
  await page.getByLabel("Message").fill("Tell me everything, at length.");
  await page.getByRole("button", { name: "Send" }).click();
  const live = page.getByTestId("streaming-reply");
  await expect(live).toBeVisible();
  await expect.poll(async () => (await live.innerText()).length, { timeout: 60_000 }).toBeGreaterThan(40);
  await page.getByTestId("stop-button").click();
  await expect(live).toBeHidden();
  await expect(replies).toHaveCount(2);
  const stoppedStats = replies.nth(1).getByTestId("reply-stats");
  await expect(stoppedStats).toContainText("stopped");
  const stoppedTokens = Number((await stoppedStats.innerText()).match(/(\d+) tokens ·/)?.[1]);
  expect(stoppedTokens).toBeGreaterThan(0);
  expect(stoppedTokens).toBeLessThan(20_000);
  await expect(page.getByTestId("runner-state")).toContainText("runner ready");

  await page.screenshot({ path: testInfo.outputPath("chat.png"), fullPage: true });
  await testInfo.attach("chat", { path: testInfo.outputPath("chat.png"), contentType: "image/png" });

  // Regenerate replaces the stopped reply; the conversation survives a reload (SQLite).
  await page.getByLabel("Max tokens").fill("8");
  await page.getByRole("button", { name: "Regenerate" }).click();
  await expect(replies.nth(1).getByTestId("reply-stats")).toContainText(/ · 8 tokens · max tokens reached/);
  await page.reload();
  await expect(page.locator('[data-testid="message"]')).toHaveCount(4);

  // The same workspace through the OpenAI-compatible API the app serves.
  const models = (await (await request.get("/v1/models")).json()) as { data: { id: string; owned_by: string }[] };
  expect(models.data).toContainEqual(expect.objectContaining({ id: "chat-ws", owned_by: "workspace" }));
  const stream = await request.post("/v1/chat/completions", {
    data: { model: "chat-ws", messages: [{ role: "user", content: "Hi" }], max_tokens: 5, stream: true, stream_options: { include_usage: true } },
  });
  const body = await stream.text();
  expect(stream.headers()["content-type"]).toContain("text/event-stream");
  expect(body).toContain('"completion_tokens":5');
  expect(body.trim().endsWith("data: [DONE]")).toBe(true);
});
