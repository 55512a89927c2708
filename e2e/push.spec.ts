import { expect, test } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";

/** The demo hub started by playwright.config.ts, and its write token (DEMO_WRITE_TOKEN, user demo-user). */
const HUB = `http://127.0.0.1:${process.env.E2E_HUB_PORT ?? 4817}`;
const DEMO_TOKEN = "hf_whetstone_demo_write_token";

test("push a workspace from the browser: owner from whoami, dry-run diff, health verdict, live job, link to the commit", async ({ page, request }, testInfo) => {
  const row = await cloneFromHub(page, "whetstone-demo/tiny-llama-f16", "push-ws");
  await row.getByRole("button", { name: /Open workspace push-ws/ }).click();
  await expect(page.getByTestId("workspace-name")).toHaveText("push-ws");

  // The dialog: the owner comes from whoami (the demo token's user), a new repo is private by default.
  const panel = page.getByTestId("push-panel");
  await panel.getByRole("button", { name: "Push to Hub…" }).click();
  const dialog = page.getByRole("dialog", { name: "Push to Hub" });
  await expect(dialog.getByLabel("Owner", { exact: true })).toHaveValue("demo-user");
  const name = `push-e2e-${Date.now()}`;
  await dialog.getByLabel("Repository", { exact: true }).fill(name);
  await expect(dialog.getByLabel("Private", { exact: true })).toBeChecked();
  await expect(dialog.getByLabel("Branch", { exact: true })).toHaveValue("main");

  // A name the Hub refuses is explained next to its field, before anything is sent.
  await dialog.getByLabel("Repository", { exact: true }).fill("bad name");
  await dialog.getByRole("button", { name: "Preview changes" }).click();
  await expect(dialog.locator("#push-name-error")).toContainText("Use letters, digits");
  await dialog.getByLabel("Repository", { exact: true }).fill(name);
  await dialog.getByLabel("Commit message").fill("Publish push-ws from the e2e test");

  // The dry run: every file added (the repo does not exist yet), with sizes; the health check passes.
  await dialog.getByRole("button", { name: "Preview changes" }).click();
  const preview = dialog.getByTestId("push-preview");
  await expect(preview).toBeVisible();
  await expect(preview).toContainText(`demo-user/${name} does not exist: the push creates it`);
  await expect(preview.getByTestId("push-summary")).toContainText(/\d+ added, 0 modified, 0 deleted; [\d.]+ (KB|MB) to send/);
  await expect(preview.locator('[data-change="added"][data-path="config.json"]')).toBeVisible();
  await expect(preview.locator('[data-change="added"][data-path="model.safetensors"]')).toBeVisible();
  await expect(preview.locator('[data-path=".mlxk_workspace.json"]')).toHaveCount(0);
  await expect(preview).toContainText("Not pushed: .mlxk_workspace.json");
  await expect(preview.getByTestId("push-health")).toHaveAttribute("data-verdict", "ok");

  // The push, as a job; it ends with a link to the commit, and the workspace says where it was published.
  await dialog.getByRole("button", { name: `Push to demo-user/${name}` }).click();
  await expect(page).toHaveURL(/\?push=/);
  await expect(dialog.getByTestId("job-status")).toHaveText("succeeded");
  const result = dialog.getByTestId("push-result");
  await expect(result).toContainText(`demo-user/${name}@main, a new private repository`);
  const link = result.getByRole("link", { name: /commit [0-9a-f]{7}/ });
  const commit = ((await link.textContent()) ?? "").replace("commit ", "");
  await expect(link).toHaveAttribute("href", new RegExp(`/demo-user/${name}/commit/${commit}[0-9a-f]{33}$`));
  await expect(panel.getByTestId("published")).toContainText(`Published to demo-user/${name}@main, commit ${commit}`);

  await page.screenshot({ path: testInfo.outputPath("pushed-workspace.png"), fullPage: true });
  await testInfo.attach("pushed-workspace", { path: testInfo.outputPath("pushed-workspace.png"), contentType: "image/png" });

  // The Hub has that commit, and the repo is private (it needs the token).
  const info = await request.get(`${HUB}/api/models/demo-user/${name}`, { headers: { Authorization: `Bearer ${DEMO_TOKEN}` } });
  expect(info.ok()).toBe(true);
  expect(await info.json()).toMatchObject({ private: true, sha: expect.stringMatching(new RegExp(`^${commit}`)) });
  expect((await request.get(`${HUB}/api/models/demo-user/${name}`)).status()).toBe(401);

  // Previewed again, nothing is left to push.
  await dialog.getByRole("button", { name: "Preview changes" }).click();
  await expect(dialog.getByTestId("push-preview").getByTestId("push-summary")).toHaveText("No changes: the repository already holds this workspace.");
});
