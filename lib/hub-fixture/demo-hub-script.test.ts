import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const tempDir = useTempDirs();

describe("scripts/demo-hub.ts", () => {
  it("prints one JSON line with the URL, serves the demo repos, and exits cleanly on SIGTERM", async () => {
    const dir = await tempDir();
    const child = execa(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), ["scripts/demo-hub.ts", "--dir", dir, "--port", "0"], {
      cwd: PROJECT_ROOT,
      reject: false,
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("\n")) resolve(seen.split("\n")[0] ?? "");
      });
      child.once("exit", () => reject(new Error(`demo-hub exited before printing its URL: ${seen}`)));
    });
    const { url } = JSON.parse(firstLine) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const models = (await (await fetch(`${url}/api/models?author=whetstone-demo`)).json()) as { id: string }[];
    expect(models).toHaveLength(8);

    child.kill("SIGTERM");
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(firstLine);
  });
});
