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
