import { expect, test, type Page } from "@playwright/test";

const BROKEN = ["tiny-llama-broken-index", "tiny-llama-no-index", "tiny-llama-stale-index", "tiny-llama-npz", "tiny-llama-eos-null"];

async function shot(page: Page, testInfo: import("@playwright/test").TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** Step 1 from a Hub id: the repo is fetched, then diagnosed. */
async function chooseFromHub(page: Page, repo: string) {
  await page.goto("/repair");
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  await page.getByLabel("Hub repository").fill(repo);
  await page.getByRole("button", { name: "Fetch and diagnose" }).click();
  await expect(page).toHaveURL(/\/repair\/diagnose\?model=/, { timeout: 60_000 });
}

test("the repair wizard takes every broken demo model from its Hub id to a chat reply", async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  for (const [i, name] of BROKEN.entries()) {
    const first = i === 0;
    await chooseFromHub(page, `whetstone-demo/${name}`);
    await expect(page.getByTestId("plain-findings")).toBeVisible();
    // No internal references in what a user reads; they sit in the folded details.
    for (const text of await page.getByTestId("plain-findings").locator("li > p").allInnerTexts()) expect(text).not.toMatch(/ADR-|#\d/);
    if (first) await shot(page, testInfo, "2-diagnose");
    await page.getByRole("link", { name: "See the repair plan" }).click();
    await expect(page.getByTestId("plan-steps")).toContainText("Copy it into a workspace");
    const target = page.getByLabel("Name of the repaired workspace");
    await expect(target).toHaveValue(`${name}-fixed`);
    if (first) {
      // A name the wizard refuses is explained next to the field, in words.
      await target.fill("bad name/with slash");
      await expect(page.locator("#target-error").getByRole("alert")).toContainText("Use letters, digits");
      await target.fill(`${name}-fixed`);
      await shot(page, testInfo, "3-plan");
    }
    await page.getByRole("button", { name: "Repair now" }).click();
    await expect(page).toHaveURL(/\/repair\/run\?job=/);
    if (first) {
      // A reload in the middle of the run finds the job where it is.
      await page.reload();
      await expect(page.getByTestId("job")).toBeVisible();
      await shot(page, testInfo, "4-run");
    }
    await expect(page).toHaveURL(/\/repair\/verify\?job=/, { timeout: 120_000 });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Fixed and verified");
    await expect(page.getByTestId("verified")).toContainText(/wrote \d+ tokens/);
    await expect(page.getByTestId("before-after")).toContainText("Every problem found before is fixed.");
    if (first) await shot(page, testInfo, "5-verify");
    await page.getByRole("link", { name: "Next" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`What next for ${name}-fixed?`);
    if (first) await shot(page, testInfo, "6-next");
    await page.getByRole("link", { name: "Chat with it now" }).click();
    await expect(page.getByTestId("model-select")).toHaveValue(`${name}-fixed`);
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByLabel("Max tokens").fill("8");
    await page.getByLabel("Message").fill("Hello!");
    await page.getByRole("button", { name: "Send" }).click();
    // Sampled at the default temperature, a random-weight model may stop early: any finished reply will do.
    await expect(page.locator('[data-testid="message"][data-role="assistant"]').first().getByTestId("reply-stats")).toContainText(/\d+ tokens?/, { timeout: 60_000 });
  }
});

test("a model whose defect no repair fixes ends on what to do instead", async ({ page }, testInfo) => {
  await chooseFromHub(page, "whetstone-demo/tiny-llama-truncated");
  await expect(page.getByTestId("unrepairable")).toContainText("cannot repair");
  await expect(page.getByTestId("guidance").first()).toContainText(/download/i);
  await expect(page.getByRole("link", { name: "See the repair plan" })).toHaveCount(0);
  await shot(page, testInfo, "2-diagnose-unrepairable");
});

test("the wizard's first step, keyboard only, at phone width and in dark mode", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await context.newPage();
  await page.goto("/repair");
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.type("whetstone-demo/tiny-llama-eos-null");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/repair\/diagnose\?model=/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  await shot(page, testInfo, "1-choose-phone-dark");
  await context.close();
});
