import { expect, test } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

test("quantize a workspace from the browser: options, estimated size, live job, quality report", async ({ page }, testInfo) => {
  // A bf16 model from the demo hub, cloned into a workspace.
  const row = await cloneFromHub(page, "whetstone-demo/tiny-llama-bf16", "llama-bf16");
  await row.getByRole("button", { name: /Open workspace llama-bf16/ }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("llama-bf16");

  // The dialog: choose the options and see the output size before starting.
  const panel = page.getByTestId("quantize-panel");
  await panel.getByRole("button", { name: "Quantize…" }).click();
  const dialog = page.getByRole("dialog", { name: "Quantize workspace" });
  await dialog.getByLabel("Bits").selectOption("4");
  await dialog.getByLabel("Group size").selectOption("64");
  await expect(dialog.getByLabel("New workspace")).toHaveValue("llama-bf16-4bit");
  await expect(dialog.getByTestId("quantize-estimate")).toContainText(/Estimated output \d+(\.\d)? KB \(from \d+(\.\d)? KB\), 4\.\d\d bits per weight; 16 layers quantized \(16× 4-bit\)/);
  await dialog.getByLabel("Mixed recipe").selectOption("mixed_3_6");
  await expect(dialog.getByTestId("quantize-estimate")).toContainText(/16 layers quantized \(\d+× 3-bit, \d+× 6-bit\)/);
  await dialog.getByLabel("Mixed recipe").selectOption("");

  // Run it as a job; it survives a reload and ends with the quality report.
  await dialog.getByRole("button", { name: "Start quantization" }).click();
  await expect(page).toHaveURL(/\?quantize=/);
  await page.reload();
  await expect(panel.getByTestId("job-status")).toHaveText("succeeded");
  const report = panel.getByTestId("quantize-result").getByTestId("quality-report");
  await expect(report).toBeVisible();
  await expect(report.getByTestId("quality-overall")).toContainText(/SNR \d+\.\d dB/);
  for (const type of ["embed_tokens", "self_attn.q_proj", "mlp.down_proj", "lm_head"]) {
    await expect(report.locator(`[data-layer-type="${type}"]`)).toContainText("4");
  }
  await panel.getByTestId("quantize-result").scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath("quality-report.png"), fullPage: true });
  await testInfo.attach("quality-report", { path: testInfo.outputPath("quality-report.png"), contentType: "image/png" });

  // The new workspace is healthy, loads in mlx-lm, and shows its own report.
  await panel.getByRole("link", { name: /Open quantized workspace llama-bf16-4bit/ }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("llama-bf16-4bit");
  await expect(page.getByTestId("health-badge")).toHaveText("healthy");
  await expect(page.getByTestId("quantize-panel").getByTestId("quality-report")).toBeVisible();
  await page.getByRole("button", { name: "Load in mlx-lm" }).click();
  await expect(page.getByTestId("load-result")).toContainText("generated 8 tokens");
});
