import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../lib/config";
import { isProcessAlive } from "../lib/testing/process-alive";
import { useTempDirs } from "../lib/testing/temp-dir";

const tempDir = useTempDirs();
const { projectRoot } = loadConfig();


/**
 * A stand-in for `next start` (the real one needs `next build`): it starts a
 * child as the app starts runners, writes both pids, and on SIGTERM stops its
 * child and exits, as the app's shutdown does; a stubborn one ignores SIGTERM.
 */
async function fakeNext(bin: string, stubborn: boolean) {
  await writeFile(
    join(bin, "next"),
    [
      "#!/usr/bin/env bash",
      "sleep 300 &",
      "runner=$!",
      `echo "{\\"app\\": $$, \\"runner\\": $runner, \\"demoHub\\": \\"$WHET_DEMO_HUB\\"}" > "$FAKE_NEXT_PIDS"`,
      stubborn ? "trap '' TERM" : "trap 'kill $runner; exit 143' TERM",
      "while true; do wait; done",
    ].join("\n"),
  );
  await chmod(join(bin, "next"), 0o755);
}

async function serve(stubborn: boolean) {
  const root = await tempDir();
  await fakeNext(root, stubborn);
  const pidsFile = join(root, "pids.json");
  const script = execa("bash", [join(projectRoot, "scripts/serve.sh"), "--demo", "--port", "0"], {
    env: { PATH: `${root}:${process.env.PATH}`, WHET_HOME: join(root, "home"), FAKE_NEXT_PIDS: pidsFile },
    reject: false,
    // The script's own grace period is under test: no SIGKILL from here.
    forceKillAfterDelay: false,
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    script.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Whetstone is running")) resolve();
    });
    void script.then((r) => reject(new Error(`serve.sh ended early: ${r.stdout}\n${r.stderr}`)));
  });
  const hubUrl = /demo hub at (\S+)/.exec(out)?.[1] as string;
  await expect.poll(() => readFile(pidsFile, "utf8").then(() => true, () => false)).toBe(true);
  const pids = JSON.parse(await readFile(pidsFile, "utf8")) as { app: number; runner: number; demoHub: string };
  // The app is told its Hub is the demo one (the Hub pages say so).
  expect(pids.demoHub).toBe("1");
  return { script, hubUrl, pids, home: join(root, "home") };
}

describe("scripts/serve.sh (what npm start runs) stops everything on SIGTERM (issue #10 finding 10)", () => {
  for (const stubborn of [false, true]) {
    it(`stops the demo hub, the app and what the app started${stubborn ? ", killing an app that ignores SIGTERM after the grace period" : ""}`, async () => {
      const { script, hubUrl, pids, home } = await serve(stubborn);
      expect((await fetch(`${hubUrl}/api/models?limit=1`)).status).toBe(200);
      // The CLI finds the demo hub through this file while it runs.
      expect(JSON.parse(await readFile(join(home, "demo-hub.json"), "utf8"))).toMatchObject({ url: hubUrl });
      expect([await isProcessAlive(pids.app), await isProcessAlive(pids.runner)]).toEqual([true, true]);
      const started = Date.now();
      script.kill("SIGTERM");
      const result = await script;
      expect(result.exitCode).toBe(143);
      expect(Date.now() - started).toBeLessThan(stubborn ? 15_000 : 5_000);
      // A signal takes a moment to land.
      await expect.poll(async () => [await isProcessAlive(pids.app), await isProcessAlive(pids.runner)], { timeout: 1_000 }).toEqual([false, false]);
      await expect(fetch(`${hubUrl}/api/models?limit=1`)).rejects.toThrow();
      await expect(readFile(join(home, "demo-hub.json"))).rejects.toThrow();
    }, 90_000);
  }
});
