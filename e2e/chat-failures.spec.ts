import { expect, test } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

test("a model that cannot load shows its finding and a way to fix it within two seconds, not a reply that waits forever", async ({ page }, testInfo) => {
  await cloneFromHub(page, "whetstone-demo/tiny-llama-broken-index", "broken-chat");
  await page.goto("/chat?model=broken-chat");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByLabel("Message").fill("Hello?");
  await page.getByRole("button", { name: "Send" }).click();
  const failure = page.getByTestId("load-failure");
  await expect(failure).toBeVisible({ timeout: 2_000 });
  await expect(failure).toContainText("broken-chat cannot be loaded");
  await expect(page.getByTestId("streaming-reply")).toBeHidden();
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("chat-load-failure.png"), fullPage: true });
  await failure.getByRole("link", { name: "Fix this model" }).click();
  await expect(page).toHaveURL(/\/repair\/diagnose\?model=broken-chat/);
});

test("a reload while a reply waits or streams loses nothing; a prompt over the context is refused before sending, by how much", async ({ page }, testInfo) => {
  const workspace = `reload-ws-${testInfo.repeatEachIndex}`;
  await cloneFromHub(page, "whetstone-demo/tiny-llama-f16", workspace);
  await page.goto(`/chat?model=${workspace}`);
  await page.locator("body[data-hydrated]").waitFor();

  // Reloaded while the reply still waits for the model to load: nothing to keep, and the message offers an answer.
  await page.getByLabel("Message").fill("Hello?");
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("streaming-reply")).toBeVisible();
  await page.reload();
  await expect(page.locator('[data-testid="message"][data-role="user"]')).toHaveCount(1);
  const answered = page.locator('[data-testid="message"][data-role="assistant"]');
  // Usually the model is still loading at the reload; on a fast machine the first tokens may be out and kept.
  if ((await answered.count()) === 0) await page.getByRole("button", { name: "Answer it" }).click();
  await expect(answered.getByTestId("reply-stats")).toBeVisible();
  await expect(page.getByRole("button", { name: "Answer it" })).toBeHidden();
  await page.getByRole("link", { name: "New chat" }).click();
  await expect(page.getByTestId("message")).toHaveCount(0);

  // About 3,000 tokens against a 2,048-token context: counted by the model's tokenizer, refused, the draft kept.
  const long = "word ".repeat(3000).trim();
  await page.getByLabel("Message").fill(long);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("prompt-too-long")).toContainText(new RegExp(`makes the prompt [\\d,]+ tokens; ${workspace} reads 2,048 at most, its reply included: [\\d,]+ tokens too many`));
  const [tokens, over] = ((await page.getByTestId("prompt-too-long").innerText()).match(/[\d,]{3,}/g) ?? []).filter((n) => n !== "2,048").map((n) => Number(n.replace(/,/g, "")));
  expect(over).toBe((tokens as number) - 2048 + 1);
  await expect(page.getByTestId("prompt-size")).toHaveText(`Prompt ${(tokens as number).toLocaleString("en-US")} tokens of a 2,048-token context`);
  await expect(page.getByTestId("message")).toHaveCount(0);
  await expect(page.getByLabel("Message")).toHaveValue(long);

  // A long reply (greedy, no repetition penalty: this random-weight model never ends), the page reloaded mid-way.
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByLabel("Max tokens").fill("200000");
  await page.getByLabel("Temperature").fill("0");
  await page.getByLabel("Repetition penalty").fill("");
  await page.getByLabel("Message").fill("Tell me everything, at length.");
  await page.getByRole("button", { name: "Send" }).click();
  const live = page.getByTestId("streaming-reply");
  await expect.poll(async () => (await live.innerText()).length, { timeout: 30_000 }).toBeGreaterThan(40);
  await page.reload();
  const reply = page.locator('[data-testid="message"][data-role="assistant"]');
  await expect(reply).toHaveCount(1);
  await expect(reply.getByTestId("reply-stats")).toContainText("interrupted: the page was closed or reloaded");
  const kept = await reply.evaluate((el) => (el.firstElementChild as HTMLElement | null)?.innerText ?? "");
  expect(kept.length).toBeGreaterThan(40);
  await expect(live).toBeHidden();
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
});
