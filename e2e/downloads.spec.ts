import { expect, test } from "@playwright/test";

const SMOL = "whetstone-demo/SmolLM2-135M-Instruct";

/**
 * The demo hub serves SmolLM2 (259 MB) through one 40 MB/s link here, so two
 * downloads of it take long enough to pause, reload and resume.
 */
test("two downloads: pause and resume one, reload the page, both finish; the Downloads page shows each file", async ({ page }, testInfo) => {
  await page.goto(`/hub?q=${encodeURIComponent("SmolLM2")}`);
  await page.locator("body[data-hydrated]").waitFor();
  const row = page.locator(`[data-repo="${SMOL}"]`);
  await row.getByRole("button", { name: "Pull to cache" }).click();
  await row.getByRole("button", { name: "Clone…" }).click();
  await row.getByLabel("Workspace name").fill("smol");
  await row.getByRole("button", { name: "Clone to workspace" }).click();

  await page.getByRole("navigation").getByRole("link", { name: "Downloads" }).click();
  // Earlier specs cloned small demo models; these two are the SmolLM2 downloads started here.
  const downloads = page.getByTestId("download").filter({ hasText: "SmolLM2" });
  await expect(downloads).toHaveCount(2);
  const pull = downloads.filter({ hasText: `Pull ${SMOL}` });
  const clone = downloads.filter({ hasText: "→ smol" });
  await expect(pull.getByTestId("job-status")).toHaveText(/running/);
  await expect(pull.locator('[data-file="model.safetensors"]')).toHaveAttribute("data-state", "downloading");

  await pull.getByRole("button", { name: "Pause" }).click();
  await expect(pull.getByTestId("job-status")).toHaveText(/paused/);
  const pausedAt = await pull.locator('[data-file="model.safetensors"] td').nth(2).textContent();

  await page.reload();
  await expect(downloads).toHaveCount(2);
  await expect(pull.getByTestId("job-status")).toHaveText(/paused/);
  await expect(pull.locator('[data-file="model.safetensors"] td').nth(2)).toHaveText(pausedAt ?? "");
  await expect(clone.getByTestId("job-status")).toHaveText(/running|succeeded/);
  await page.screenshot({ path: testInfo.outputPath("downloads-paused.png"), fullPage: true });

  await pull.getByRole("button", { name: "Resume" }).click();
  await expect(pull.getByTestId("job-status")).toHaveText(/running|succeeded/);
  await expect(clone.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  await expect(pull.getByTestId("job-status")).toHaveText("succeeded", { timeout: 90_000 });
  await page.screenshot({ path: testInfo.outputPath("downloads.png"), fullPage: true });
  await testInfo.attach("downloads", { path: testInfo.outputPath("downloads.png"), contentType: "image/png" });

  // Both copies are whole: the pulled model shows in the cache, the clone as a healthy workspace.
  await page.goto("/workspaces/smol");
  await expect(page.getByTestId("health-badge")).toHaveText("healthy");
});
