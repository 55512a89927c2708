import { expect, test, type Page } from "@playwright/test";

const REPO = "whetstone-demo/tiny-llama-bf16";

async function expectFitsScreen(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page is wider than the screen").toBeLessThanOrEqual(1);
}

async function expectModelFacts(page: Page) {
  await expect(page.getByRole("heading", { level: 1, name: REPO })).toBeVisible();
  // Counted from the two shards' headers (ranged reads), unpacked nothing: a plain bf16 model.
  await expect(page.getByTestId("fact-parameters")).toContainText(/\d+(\.\d)?[kMB]? from the headers of 2 shards/);
  await expect(page.getByTestId("fact-architecture")).toContainText("LlamaForCausalLM");
  await expect(page.getByTestId("fact-quantization")).toContainText("None");
  await expect(page.getByTestId("fact-licence")).toContainText("apache-2.0");
  await expect(page.getByTestId("memory-fit")).toHaveAttribute("data-verdict", "fits");
  await expect(page.getByTestId("memory-fit")).toContainText(/^Fits: .* of weights/);
  const files = page.getByTestId("model-files");
  await expect(files).toContainText("model-00001-of-00002.safetensors");
  await expect(files).toContainText("config.json");
  await expect(files.getByRole("row").last()).toContainText("Total");
  await expect(page.getByTestId("model-card")).toContainText("A tiny llama-architecture model");
}

test("a model page from the Hub search: parameters, files, memory fit, at desktop and phone width", async ({ browser }, testInfo) => {
  const desktop = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await desktop.newPage();
  await page.goto("/hub");
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByTestId("demo-hub-note")).toBeVisible();
  // The filter lives in the address (shareable, kept on reload): the box is checked once the URL says so.
  await page.getByLabel("MLX only").click();
  await expect(page).toHaveURL(/mlx=1/);
  await expect(page.getByLabel("MLX only")).toBeChecked();
  await page.getByLabel("Search models").fill("tiny-llama");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=tiny-llama/);
  const row = page.locator(`[data-repo="${REPO}"]`);
  // 48,213 downloads read as the Hub writes them.
  await expect(row).toContainText("↓ 48.2k");
  // Two clone forms open side by side.
  await row.getByRole("button", { name: "Clone…" }).click();
  await page.locator('[data-repo="whetstone-demo/tiny-llama-f16"]').getByRole("button", { name: "Clone…" }).click();
  await expect(page.getByLabel("Workspace name")).toHaveCount(2);

  await row.getByRole("link", { name: REPO }).click();
  await expect(page).toHaveURL(`/hub/${REPO}`);
  await expectModelFacts(page);
  await expect(page.getByTestId("demo-hub-note")).toBeVisible();
  await expectFitsScreen(page);

  // Clone from the page: the job shows here, and the page then lists the workspace as a local copy.
  const getIt = page.getByRole("region", { name: "Get this model" });
  await getIt.getByLabel("Workspace name").fill("hub-model-ws");
  await getIt.getByRole("button", { name: "Clone to workspace" }).click();
  await expect(getIt.getByTestId("job-status")).toHaveText("succeeded");
  await expect(page.getByTestId("local-copies").getByRole("link", { name: "hub-model-ws" })).toBeVisible();
  await expect(page.getByTestId("local-copies")).toContainText("from the Hub's current commit");
  await page.screenshot({ path: testInfo.outputPath("hub-model-desktop.png"), fullPage: true });
  await desktop.close();

  // The phone in dark mode: both palettes are seen once.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
  const small = await phone.newPage();
  await small.goto(`/hub/${REPO}`);
  await expectModelFacts(small);
  await expectFitsScreen(small);
  await small.screenshot({ path: testInfo.outputPath("hub-model-phone.png"), fullPage: true });
  await phone.close();
});
