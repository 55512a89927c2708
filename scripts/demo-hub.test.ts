import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../lib/config";
import { demoHubFile, readDemoHubFile, writeDemoHubFile } from "../lib/demo-hub-file";
import { checkHub } from "../lib/doctor/check-environment";
import { DEMO_WRITE_TOKEN } from "../lib/hub-fixture/demo-repos";
import { pathExists } from "../lib/fs/path-exists";
import { useTempDirs } from "../lib/testing/temp-dir";

const tempDir = useTempDirs();

describe("the CLI finds the app's demo hub (issue #13)", () => {
  it("uses the URL the running demo hub wrote to WHET_HOME when no HF_ENDPOINT is set, says so in doctor, and forgets it once the hub stops", async () => {
    const root = await tempDir();
    const home = join(root, "home");
    const hub = execa(join(process.cwd(), "node_modules/.bin/tsx"), [join(process.cwd(), "scripts/demo-hub.ts"), "--dir", join(root, "demo"), "--whet-home", home], { reject: false });
    const url = await new Promise<string>((resolve, reject) => {
      hub.stdout?.once("data", (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { url: string }).url));
      void hub.then((r) => reject(new Error(`demo hub ended: ${r.stderr}`)));
    });
    try {
      const env = { HOME: root, WHET_HOME: home };
      const config = loadConfig(env);
      expect(config).toMatchObject({ endpoint: url, endpointFrom: "demo-hub", token: DEMO_WRITE_TOKEN });
      expect(await checkHub(config)).toMatchObject({ ok: true, detail: expect.stringContaining(`${url} (the demo hub of the app started with --demo) answered in`) });
      expect(loadConfig({ ...env, HF_ENDPOINT: "http://127.0.0.1:1" })).toMatchObject({ endpoint: "http://127.0.0.1:1", endpointFrom: "HF_ENDPOINT", token: null });

      const search = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "search", "--json"], { env: { ...env, HF_ENDPOINT: "", HF_TOKEN: "" }, reject: false });
      expect((JSON.parse(search.stdout) as { data: { count: number } }).data.count).toBeGreaterThan(0);
    } finally {
      hub.kill("SIGTERM");
      await hub;
    }
    expect(await pathExists(demoHubFile(home))).toBe(false);
    expect(loadConfig({ HOME: root, WHET_HOME: home })).toMatchObject({ endpoint: "https://huggingface.co", endpointFrom: "default" });
    const down = await checkHub({ endpoint: url, endpointFrom: "demo-hub" }, 2_000);
    expect(down).toMatchObject({ ok: false, detail: expect.stringContaining("cannot be reached"), fix: expect.stringContaining("npm start -- --demo") });
  }, 60_000);

  it("ignores a file left by a demo hub that was killed", async () => {
    const home = await tempDir();
    const gone = await execa("node", ["-e", "console.log(process.pid)"]);
    await writeDemoHubFile(home, { url: "http://127.0.0.1:9", token: "t", pid: Number(gone.stdout) });
    expect(readDemoHubFile(home)).toBeNull();
    await writeDemoHubFile(home, { url: "http://127.0.0.1:9", token: "t", pid: process.pid });
    expect(readDemoHubFile(home)).toMatchObject({ url: "http://127.0.0.1:9" });
  });
});
