import { expect, test } from "@playwright/test";

const PAGES = ["/", "/hub", "/hub/whetstone-demo/tiny-llama-f16", "/chat", "/repair", "/matrix", "/downloads", "/jobs", "/cluster", "/doctor"];
const LOOKS = [
  { name: "desktop-light", viewport: { width: 1440, height: 900 }, colorScheme: "light" as const },
  { name: "desktop-dark", viewport: { width: 1440, height: 900 }, colorScheme: "dark" as const },
  { name: "phone-light", viewport: { width: 390, height: 844 }, colorScheme: "light" as const },
  { name: "phone-dark", viewport: { width: 390, height: 844 }, colorScheme: "dark" as const },
];

/** Every page at desktop and phone width, light and dark: it renders, fits the screen, and shows no raw error text. */
for (const look of LOOKS) {
  test(`every page, ${look.name}`, async ({ browser }, testInfo) => {
    const context = await browser.newContext({ viewport: look.viewport, colorScheme: look.colorScheme });
    const page = await context.newPage();
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await expect(page.locator('nav a[aria-current="page"]')).toHaveCount(1);
      // Measured and shot with the page's data in it, not its loading line.
      await expect(page.getByText(/^(Checking|Searching|Loading)[^…]*…$/)).toHaveCount(0);
      // Nothing wider than the screen: a phone never scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(1);
      // No validation JSON or stack trace reaches a person.
      const text = await page.locator("body").innerText();
      expect(text, path).not.toMatch(/"code":\s*"|invalid_type|at \S+ \(.*:\d+:\d+\)/);
      await page.screenshot({ path: testInfo.outputPath(`${look.name}${path === "/" ? "-models" : path.replaceAll("/", "-")}.png`), fullPage: true });
    }
    await context.close();
  });
}
