import { expect, type Locator, type Page } from "@playwright/test";

/** Searches the Hub page for a demo-hub repo and clones it into a workspace; returns the result row. */
export async function cloneFromHub(page: Page, repo: string, name: string): Promise<Locator> {
  await page.goto("/hub");
  // Typing before React hydrates the page is lost.
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByRole("searchbox").or(page.getByLabel("Search models")).fill(repo.split("/")[1] as string);
  await page.getByRole("button", { name: "Search" }).click();
  // Open the row only once the search has answered: the results list is replaced when it does.
  await expect(page).toHaveURL(/\/hub\?q=/);
  await expect(page.getByText("Searching…")).toHaveCount(0);
  const row = page.locator(`[data-repo="${repo}"]`);
  await row.getByRole("button", { name: "Clone…" }).click();
  const nameField = row.getByLabel("Workspace name");
  await nameField.fill(name);
  await expect(nameField).toHaveValue(name);
  await row.getByRole("button", { name: "Clone to workspace" }).click();
  await expect(row.getByTestId("job-status")).toHaveText("succeeded");
  return row;
}
