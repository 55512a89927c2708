import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, TEAM_ADMIN, TEAM_NAME, TEAM_PORT, TEAM_STATE } from "./e2e/team-server";

/**
 * End-to-end tests in Debian's Chromium against the production build (`next
 * start`), with the demo hub as the Hub and a throw-away data directory.
 */
const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3217);
const HUB_PORT = Number(process.env.E2E_HUB_PORT ?? 4817);
const STATE = ".tmp/e2e";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    },
  },
  webServer: [
    {
      // SmolLM2 (set-up prepares it in .whet/models) through a 40 MB/s link: downloads last long enough to pause.
      command: `npx tsx scripts/demo-hub.ts --port ${HUB_PORT} --dir ${STATE}/demo-hub --real-models .whet/models --bandwidth 40000000`,
      url: `http://127.0.0.1:${HUB_PORT}/api/models?limit=1`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // A fresh home every run: workspaces and the HF cache start empty.
      command: `rm -rf ${STATE}/home ${STATE}/hf && npx next start -H 127.0.0.1 -p ${APP_PORT}`,
      url: `http://127.0.0.1:${APP_PORT}/api/health`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        HF_ENDPOINT: `http://127.0.0.1:${HUB_PORT}`,
        WHET_HOME: `${process.cwd()}/${STATE}/home`,
        HF_HOME: `${process.cwd()}/${STATE}/hf`,
        // The demo hub's write token (lib/hub-fixture/demo-repos.ts DEMO_WRITE_TOKEN): pushes go to demo-user/*.
        HF_TOKEN: "hf_whetstone_demo_write_token",
        WHET_DEMO_HUB: "1",
        HF_HUB_CACHE: "",
      },
    },
    {
      // Team mode (e2e/team.spec.ts) on 127.0.0.2, known as whetstone.local, with its admin made by the CLI before the start.
      command: [
        `rm -rf ${TEAM_STATE} && mkdir -p ${TEAM_STATE}`,
        `printf '%s\\n' '${TEAM_ADMIN.password}' | npx whet users add ${TEAM_ADMIN.name} --role admin --password-stdin`,
        "npx tsx scripts/serve-team.ts",
      ].join(" && "),
      url: `http://127.0.0.2:${TEAM_PORT}/api/auth/status`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        WHET_MODE: "team",
        WHET_HOST: "127.0.0.2",
        WHET_PORT: String(TEAM_PORT),
        WHET_LAN_NAME: TEAM_NAME,
        HF_ENDPOINT: `http://127.0.0.1:${HUB_PORT}`,
        WHET_HOME: `${process.cwd()}/${TEAM_STATE}/home`,
        HF_HOME: `${process.cwd()}/${TEAM_STATE}/hf`,
        HF_TOKEN: "",
        HF_HUB_CACHE: "",
      },
    },
  ],
});
