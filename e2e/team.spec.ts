import { expect, test, type Browser, type Page } from "@playwright/test";
import { cloneFromHub } from "./clone-from-hub";
import { TEAM_ADMIN, TEAM_CHROMIUM_ARGS, TEAM_URL } from "./team-server";

// The team-mode server (playwright.config.ts), reached as a teammate's browser does: by its LAN name.
test.use({
  baseURL: TEAM_URL,
  launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: TEAM_CHROMIUM_ARGS },
});

const MEMBER = { name: "mia", password: "mia's password, long" };

async function signIn(browser: Browser, account: { name: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(new RegExp(`^${account.name} \\(`));
  return page;
}

/** A tRPC call made by the page itself (its origin, its session cookie), as the app's own pages make them. */
async function trpc(page: Page, path: string, input: unknown, method: "GET" | "POST") {
  return page.evaluate(
    async ({ path, input, method }) => {
      const url = method === "GET" ? `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}` : `/api/trpc/${path}`;
      const response = await fetch(url, method === "GET" ? {} : { method, headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
      const text = await response.text();
      return { status: response.status, text, id: (JSON.parse(text) as { result?: { data?: { json?: { id?: string } } } }).result?.data?.json?.id ?? null };
    },
    { path, input, method },
  );
}

test("team mode: an admin and a member, each in their own browser", async ({ browser }, testInfo) => {
  // Nobody gets in without signing in; the sign-in page says so.
  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto("/admin/users");
  await expect(anonymous).toHaveURL(/\/sign-in\?next=%2Fadmin%2Fusers$/);
  await anonymous.getByLabel("Name").fill(TEAM_ADMIN.name);
  await anonymous.getByLabel("Password").fill("not the password");
  await anonymous.getByRole("button", { name: "Sign in" }).click();
  await expect(anonymous.locator('[data-field-error="password"]')).toHaveText("That name and password do not match an account");
  await anonymous.screenshot({ path: testInfo.outputPath("team-sign-in.png"), fullPage: true });
  await testInfo.attach("sign-in", { path: testInfo.outputPath("team-sign-in.png"), contentType: "image/png" });

  // The admin (made with `whet users add` before the start) adds a member.
  const admin = await signIn(browser, TEAM_ADMIN);
  await expect(admin.getByRole("link", { name: "Users" })).toBeVisible();
  await admin.getByRole("link", { name: "Users" }).click();
  const add = admin.getByRole("form", { name: "Add a user" });
  await add.getByLabel("Name").fill(MEMBER.name);
  await add.getByLabel("Role").selectOption("member");
  await add.getByLabel("Initial password").fill("short");
  await add.getByRole("button", { name: "Add user" }).click();
  await expect(add.locator('[data-field-error="password"]')).toHaveText("Use at least 10 characters for the password");
  await add.getByLabel("Initial password").fill(MEMBER.password);
  await add.getByRole("button", { name: "Add user" }).click();
  await expect(admin.getByLabel(`Role of ${MEMBER.name}`)).toHaveValue("member");
  await admin.screenshot({ path: testInfo.outputPath("team-admin-users.png"), fullPage: true });
  await testInfo.attach("admin users", { path: testInfo.outputPath("team-admin-users.png"), contentType: "image/png" });

  // The admin has a conversation of their own.
  const created = await trpc(admin, "chat.create", { model: "some-model" }, "POST");
  expect(created.status).toBe(200);
  const adminConversation = created.id as string;
  expect((await trpc(admin, "chat.send", { conversationId: adminConversation, content: "Admin's secret plan" }, "POST")).status).toBe(200);

  // The member: no admin pages, no admin links, none of the admin's conversations.
  const member = await signIn(browser, MEMBER);
  await expect(member.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(member.getByRole("link", { name: "Audit" })).toHaveCount(0);
  for (const path of ["/admin/users", "/admin/audit"]) {
    await member.goto(path);
    await expect(member.getByTestId("admin-only")).toContainText(`needs the admin role, and ${MEMBER.name} is a member`);
    await expect(member.getByTestId("users")).toHaveCount(0);
    await expect(member.getByTestId("audit-log")).toHaveCount(0);
  }
  expect((await trpc(member, "admin.users", undefined, "GET")).status).toBe(403);
  const own = await trpc(member, "chat.create", { model: "some-model" }, "POST");
  expect((await trpc(member, "chat.send", { conversationId: own.id, content: "Mia's own question" }, "POST")).status).toBe(200);
  await member.goto("/chat");
  await expect(member.getByTestId("conversation-list")).toContainText("Mia's own question");
  await expect(member.getByTestId("conversation-list")).not.toContainText("Admin's secret plan");
  expect((await trpc(member, "chat.conversation", { id: adminConversation }, "GET")).status).toBe(404);
  expect((await trpc(member, "chat.conversations", {}, "GET")).text).not.toContain(adminConversation);

  // The member clones a model; the admin sees it in the audit log.
  await cloneFromHub(member, "whetstone-demo/tiny-llama-f16", "mia-ws");
  await admin.goto("/admin/audit");
  await admin.getByLabel("User").fill(MEMBER.name);
  const clone = admin.locator(`[data-testid="audit-log"] tr[data-action="clone"][data-user="${MEMBER.name}"]`);
  await expect(clone).toHaveCount(1);
  await expect(clone).toContainText("mia-ws");
  await expect(clone.locator("td").nth(5)).toHaveText("ok");
  await expect(admin.locator(`tr[data-action="login"][data-user="${MEMBER.name}"][data-result="ok"]`)).toHaveCount(1);
  await admin.getByLabel("User").fill(TEAM_ADMIN.name);
  await admin.getByLabel("Result").selectOption("failed");
  await expect(admin.locator('tr[data-action="login"]')).toHaveCount(1);

  // Signing out ends the member's session.
  await member.getByRole("button", { name: "Sign out" }).click();
  await expect(member).toHaveURL(/\/sign-in$/);
  expect((await trpc(member, "chat.conversations", {}, "GET")).status).toBe(401);
});
