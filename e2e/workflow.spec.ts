import { expect, test } from "@playwright/test";

test("search, clone a broken model, see why, repair it, and load the result in mlx-lm", async ({ page }, testInfo) => {
  // Search the hub.
  await page.goto("/hub");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByRole("searchbox").or(page.getByLabel("Search models")).fill("broken-index");
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.locator('[data-repo="whetstone-demo/tiny-llama-broken-index"]');
  await expect(row).toBeVisible();

  // Clone it into a workspace.
  await row.getByRole("button", { name: "Clone…" }).click();
  await row.getByLabel("Workspace name").fill("broken-ws");
  await row.getByRole("button", { name: "Clone to workspace" }).click();
  await expect(row.getByTestId("job-status")).toHaveText("succeeded");
  await row.getByRole("button", { name: /Open workspace broken-ws/ }).click();

  // Health explains the index/shard mismatch.
  await expect(page.getByTestId("workspace-name")).toHaveText("broken-ws");
  await expect(page.getByTestId("health-badge")).toHaveText("unhealthy");
  const finding = page.locator('[data-finding="index-shard-mismatch"]');
  await expect(finding).toContainText("The index names 4 shard file(s) that are not here");
  await expect(page.getByTestId("health-reason")).toContainText("Index/shard mismatch (mlx-vlm #624)");

  // Repair into a new workspace; the job survives a reload.
  await finding.getByRole("button", { name: "Repair index" }).click();
  await expect(page.getByLabel("New workspace")).toHaveValue("broken-ws-fixed");
  await page.getByRole("button", { name: "Run repair" }).click();
  await expect(page).toHaveURL(/\?repair=/);
  await page.reload();
  await expect(page.getByTestId("job-status")).toHaveText("succeeded");
  await page.getByRole("link", { name: /Open repaired workspace broken-ws-fixed/ }).click();

  // The repaired workspace is healthy and runs.
  await expect(page.getByTestId("workspace-name")).toHaveText("broken-ws-fixed");
  await expect(page.getByTestId("health-badge")).toHaveText("healthy");
  await expect(page.getByTestId("no-findings")).toBeVisible();
  await page.getByRole("button", { name: "Load in mlx-lm" }).click();
  await expect(page.getByTestId("load-result")).toContainText("generated 8 tokens");

  await page.screenshot({ path: testInfo.outputPath("healthy-workspace.png"), fullPage: true });
  await testInfo.attach("healthy-workspace", { path: testInfo.outputPath("healthy-workspace.png"), contentType: "image/png" });

  // The source workspace was not modified by the repair.
  await page.goto("/workspaces/broken-ws");
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByTestId("health-badge")).toHaveText("unhealthy");
});
