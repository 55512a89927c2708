/**
 * The team-mode app the team spec runs against (playwright.config.ts starts
 * it): bound to 127.0.0.2, the LAN simulated on loopback, and reached by
 * Chromium as whetstone.local, which it resolves to 127.0.0.2 itself (no DNS).
 */
export const TEAM_PORT = Number(process.env.E2E_TEAM_PORT ?? 3218);
export const TEAM_NAME = "whetstone.local";
export const TEAM_URL = `http://${TEAM_NAME}:${TEAM_PORT}`;
export const TEAM_STATE = ".tmp/e2e-team";
export const TEAM_ADMIN = { name: "admin", password: "admin password for e2e" };
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
export const TEAM_CHROMIUM_ARGS = [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${TEAM_NAME} 127.0.0.2`];
