import { expect, test, type Page } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

const replyText = (page: Page) =>
  page.locator('[data-testid="message"][data-role="assistant"]').last().evaluate((el) => (el.firstElementChild as HTMLElement | null)?.innerText ?? "");

/**
 * The load drill's browser half: four tabs chat with one model at the same
 * time. Every reply arrives whole, and each is exactly the reply its own
 * conversation gets alone (greedy decoding), so no tokens crossed tabs.
 */
test("four tabs chatting with one model at once: none dropped, no tokens crossing", async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const workspace = `tabs-ws-${testInfo.repeatEachIndex}`;
  await cloneFromHub(page, "whetstone-demo/tiny-llama-bf16", workspace);
  const contexts = await Promise.all([0, 1, 2, 3].map(() => browser.newContext()));
  const tabs = await Promise.all(contexts.map((c) => c.newPage()));
  await Promise.all(
    tabs.map(async (tab, i) => {
      await tab.goto(`/chat?model=${workspace}`);
      await tab.locator("body[data-hydrated]").waitFor();
      await tab.getByRole("button", { name: "Settings" }).click();
      await tab.getByLabel("Max tokens").fill("24");
      await tab.getByLabel("Temperature").fill("0");
      await tab.getByLabel("Repetition penalty").fill("");
      await tab.getByLabel("Message").fill(`Tab ${i}: tell me about the number ${i * 17 + 3}.`);
    }),
  );
  await Promise.all(tabs.map((tab) => tab.getByRole("button", { name: "Send" }).click()));
  const together = await Promise.all(
    tabs.map(async (tab) => {
      await expect(tab.locator('[data-testid="message"][data-role="assistant"]').first().getByTestId("reply-stats")).toContainText("24 tokens", { timeout: 45_000 });
      return replyText(tab);
    }),
  );
  // One tab at a time, the same conversation answered again gives the same text.
  for (const [i, tab] of tabs.entries()) {
    await tab.getByRole("button", { name: "Regenerate" }).click();
    await expect(tab.getByTestId("streaming-reply")).toBeHidden({ timeout: 20_000 });
    await expect(tab.locator('[data-testid="message"][data-role="assistant"]').last().getByTestId("reply-stats")).toContainText("24 tokens");
    expect(await replyText(tab), `tab ${i}`).toBe(together[i]);
  }
  expect(new Set(together).size).toBeGreaterThan(1);
  await Promise.all(contexts.map((c) => c.close()));
});
