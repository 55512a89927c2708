import { expect, test, type Page } from "@playwright/test";
import { execa } from "execa";
import { cloneFromHub } from "./clone-from-hub";

const rows = (page: Page) => page.getByTestId("model-row");
const names = (page: Page) => rows(page).evaluateAll((els) => els.map((el) => `${"  ".repeat(Number(el.getAttribute("data-depth") ?? 0))}${el.getAttribute("data-name")}`));

async function openModels(page: Page, search: string) {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByLabel("Find").fill(search);
}

/** Renames `from` to `to` from its row, then deletes it after the confirmation; the page fits the screen throughout. */
async function renameThenDelete(page: Page, from: string, to: string) {
  const row = page.locator(`[data-testid="model-row"][data-name="${from}"]`);
  await row.getByRole("button", { name: `Rename ${from}` }).click();
  await row.getByLabel(`New name for ${from}`).fill(to);
  await row.getByRole("button", { name: "Save name" }).click();
  const renamed = page.locator(`[data-testid="model-row"][data-name="${to}"]`);
  await expect(renamed).toBeVisible();
  await expect(row).toHaveCount(0);

  await renamed.getByRole("button", { name: `Delete ${to}` }).click();
  const confirmation = renamed.getByTestId("delete-confirmation");
  await expect(confirmation).toContainText(`Delete the workspace ${to}`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  await confirmation.getByRole("button", { name: "Keep it" }).click();
  await expect(confirmation).toHaveCount(0);
  await renamed.getByRole("button", { name: `Delete ${to}` }).click();
  await renamed.getByRole("button", { name: `Delete ${to}` }).click();
  await expect(renamed).toHaveCount(0);
}

test("the Models page finds, sorts and groups workspaces by lineage; rename refuses a taken name; delete asks first", async ({ page }, testInfo) => {
  await cloneFromHub(page, "whetstone-demo/tiny-llama-eos-null", "mp-eos");
  // "Updated" is shown (and sorted) to the second: tiny clones now finish within one, so the second starts in the next.
  await page.waitForTimeout(1100);
  await cloneFromHub(page, "whetstone-demo/tiny-llama-f16", "mp-f16");

  // The fix reads as one types it, and the repair makes a child workspace.
  await page.goto("/workspaces/mp-eos");
  await page.locator("body[data-hydrated]").waitFor();
  const finding = page.locator('[data-finding="eos-token-id-null"]');
  await expect(finding.getByTestId("fix")).toHaveText("whet convert mp-eos mp-eos-fixed --repair-config");
  await finding.getByRole("button", { name: "Repair config" }).click();
  await page.getByLabel("New workspace").fill("mp-eos-fixed");
  await page.getByRole("button", { name: "Run repair" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("succeeded");
  await expect(page.getByRole("button", { name: "Repair done" })).toBeDisabled();

  // Its page names the architecture, the parent workspace (a link) and the Hub repo.
  await page.getByRole("link", { name: /Open repaired workspace mp-eos-fixed/ }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("mp-eos-fixed");
  await expect(page.getByTestId("architecture")).toHaveText("llama");
  await expect(page.getByTestId("lineage-repo")).toHaveText("whetstone-demo/tiny-llama-eos-null");
  await page.getByTestId("lineage-parent").getByRole("link", { name: "mp-eos" }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("mp-eos");

  await openModels(page, "mp-");
  await expect.poll(() => names(page)).toEqual(["mp-eos", "  mp-eos-fixed", "mp-f16"]);
  await expect(page.locator('[data-name="mp-f16"]').getByTestId("precision-badge")).toHaveText("fp16");
  await expect(page.locator('[data-name="mp-eos"]').getByTestId("health-badge")).toHaveText("works, with warnings");
  await page.getByLabel("Sort by").selectOption("updated");
  await expect.poll(() => names(page)).toEqual(["mp-f16", "mp-eos", "  mp-eos-fixed"]);
  await page.getByLabel("Sort by").selectOption("health");
  await expect.poll(() => names(page)).toEqual(["mp-eos", "  mp-eos-fixed", "mp-f16"]);
  // By origin repo too (other specs may have cloned the same repo under their own names).
  await page.getByLabel("Find").fill("tiny-llama-f16");
  await expect.poll(async () => (await names(page)).map((n) => n.trim())).toContain("mp-f16");
  expect((await names(page)).map((n) => n.trim())).not.toEqual(expect.arrayContaining(["mp-eos"]));
  await page.getByLabel("Find").fill("mp-");

  // A taken name is refused next to the field; nothing moves.
  const f16 = page.locator('[data-testid="model-row"][data-name="mp-f16"]');
  await f16.getByRole("button", { name: "Rename mp-f16" }).click();
  await f16.getByLabel("New name for mp-f16").fill("mp-eos");
  await f16.getByRole("button", { name: "Save name" }).click();
  await expect(f16.locator('[data-field-error="to"]')).toHaveText("A workspace called mp-eos already exists");
  await f16.getByRole("button", { name: "Cancel" }).click();
  await page.screenshot({ path: testInfo.outputPath("models-desktop.png"), fullPage: true });

  await renameThenDelete(page, "mp-f16", "mp-f16-renamed");
  await expect.poll(() => names(page)).toEqual(["mp-eos", "  mp-eos-fixed"]);
});

test("at 390 px: a cache model opens its page; rename then delete a workspace with the confirmation", async ({ browser }, testInfo) => {
  // A model in the HF cache, pulled by the CLI into the app's cache.
  await execa("node", ["bin/whet.mjs", "pull", "whetstone-demo/tiny-llama-bf16", "--json"], {
    env: {
      HF_ENDPOINT: `http://127.0.0.1:${process.env.E2E_HUB_PORT ?? 4817}`,
      WHET_HOME: `${process.cwd()}/.tmp/e2e/home`,
      HF_HOME: `${process.cwd()}/.tmp/e2e/hf`,
      HF_HUB_CACHE: "",
      HF_TOKEN: "",
    },
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const page = await context.newPage();
  await cloneFromHub(page, "whetstone-demo/tiny-llama-f16", "mp-phone");

  await openModels(page, "tiny-llama-bf16");
  const cached = page.locator('[data-testid="model-row"][data-name="whetstone-demo/tiny-llama-bf16"]');
  await expect(cached.getByTestId("precision-badge")).toHaveText("bf16");
  await expect(cached.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await cached.getByRole("link", { name: "whetstone-demo/tiny-llama-bf16" }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("whetstone-demo/tiny-llama-bf16");
  await expect(page.getByTestId("architecture")).toHaveText("llama");
  await expect(page.getByTestId("lineage-repo")).toHaveText("whetstone-demo/tiny-llama-bf16");
  await expect(page.getByTestId("health-badge")).toHaveText("healthy");

  // Every row, the cache's included, fits the phone.
  await openModels(page, "");
  await expect(page.locator('[data-name="mp-phone"]')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
  await page.screenshot({ path: testInfo.outputPath("models-phone.png"), fullPage: true });

  await page.getByLabel("Find").fill("mp-phone");
  await expect.poll(() => names(page)).toEqual(["mp-phone"]);
  await renameThenDelete(page, "mp-phone", "mp-phone-renamed");
  await context.close();
});
