import { expect, test } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

test("the defect matrix shows what each model has, and repairs a model from a cell", async ({ page }, testInfo) => {
  await cloneFromHub(page, "whetstone-demo/tiny-llama-eos-null", "eos-null");
  await cloneFromHub(page, "whetstone-demo/tiny-llama-no-index", "no-index");

  await page.goto("/matrix");
  await page.locator("body[data-hydrated]").waitFor();
  const matrix = page.getByTestId("defect-matrix");
  await expect(matrix.locator('[data-model="eos-null"]')).toBeVisible();
  await expect(matrix.locator('[data-model="no-index"]')).toBeVisible();
  await expect(matrix.locator('[data-cell="no-index:index-missing"]')).toHaveText("✗");
  await expect(matrix.locator('[data-cell="eos-null:index-missing"]')).toHaveCount(0);

  await matrix.locator('[data-cell="eos-null:eos-token-id-null"]').click();
  const panel = page.getByTestId("finding-panel");
  await expect(panel).toContainText("eos_token_id to null, so generation may never stop");
  await expect(page.getByLabel("Repair into")).toHaveValue("eos-null-fixed");
  await panel.getByRole("button", { name: "Run --repair-config" }).click();
  await expect(panel.getByTestId("job-status")).toHaveText("succeeded");
  const repaired = panel.getByTestId("repaired-health");
  await expect(repaired.getByTestId("health-badge")).toHaveText("healthy");
  await expect(repaired.getByTestId("no-findings")).toBeVisible();

  // The matrix now lists the repaired workspace without the defect.
  await expect(matrix.locator('[data-model="eos-null-fixed"]')).toBeVisible();
  await expect(matrix.locator('[data-cell="eos-null-fixed:eos-token-id-null"]')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("defect-matrix.png"), fullPage: true });
  await testInfo.attach("defect-matrix", { path: testInfo.outputPath("defect-matrix.png"), contentType: "image/png" });
});
