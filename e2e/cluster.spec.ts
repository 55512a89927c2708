import { expect, test } from "@playwright/test";

test("the Cluster page fetches each pipeline rank's shards as a job, and a model mlx-lm cannot pipeline is refused before any shard is fetched", async ({ page }, testInfo) => {
  await page.goto("/cluster");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByLabel("Split").selectOption("pipeline");
  await page.getByLabel("Fetch each rank's shards from the Hub first").check();
  await page.getByLabel("Hub repository").fill("whetstone-demo/tiny-llama-f16");
  await page.getByRole("button", { name: "Fetch and start" }).click();

  const job = page.getByTestId("fetch-shards-job");
  await expect(job).toContainText("no pipeline mode");
  await expect(job).toContainText("tensor parallel");
  await expect(job).not.toContainText(/"code":|invalid_type/);
  await page.screenshot({ path: testInfo.outputPath("cluster-fetch-refused.png"), fullPage: true });
});
