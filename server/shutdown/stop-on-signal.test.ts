import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { makeModel } from "../../lib/factory/make-model";
import { isProcessAlive } from "../../lib/testing/process-alive";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();
const { projectRoot } = loadConfig();


describe("SIGTERM to the app process stops its runners (issue #10 finding 10)", () => {
  it("a process with a loaded runner and stopOnSignal exits on SIGTERM and leaves no runner behind", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "ws", "tiny"), seed: 91 });
    const script = join(root, "app.mts");
    // What instrumentation.ts does in the Next server, in a plain process that acts as `next start` does on
    // SIGTERM (close the server, then exit) while a stream (a chat reply) keeps a connection open.
    await writeFile(
      script,
      [
        `import { createServer, get } from "node:http";`,
        `import { once } from "node:events";`,
        `import { loadConfig } from ${JSON.stringify(join(projectRoot, "lib/config"))};`,
        `import { createRunnerPool } from ${JSON.stringify(join(projectRoot, "lib/runner/runner-pool"))};`,
        `import { stopOnSignal } from ${JSON.stringify(join(projectRoot, "server/shutdown/stop-on-signal"))};`,
        `const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot: ${JSON.stringify(join(root, "ws"))}, hubCache: ${JSON.stringify(join(root, "hub"))} } });`,
        `const server = createServer((_req, res) => { res.writeHead(200); res.write("streaming"); }).listen(0, "127.0.0.1");`,
        `await once(server, "listening");`,
        `get(\`http://127.0.0.1:\${server.address().port}/\`);`,
        `process.on("SIGTERM", () => server.close(() => process.exit(143)));`,
        `stopOnSignal(() => pool.stopAll(), { graceMs: 3_000 });`,
        `const { runner } = await pool.runnerFor("tiny");`,
        `runner.warm();`,
        `while (runner.status().state !== "ready") await new Promise((r) => setTimeout(r, 100));`,
        `console.log(JSON.stringify({ runner: runner.status().pid }));`,
      ].join("\n"),
    );
    const app = execa(join(projectRoot, "node_modules/.bin/tsx"), [script], { cwd: projectRoot, reject: false });
    const runnerPid = await new Promise<number>((resolve, reject) => {
      app.stdout?.on("data", (chunk: Buffer) => {
        const line = chunk.toString().trim().split("\n").find((l) => l.startsWith("{"));
        if (line) resolve((JSON.parse(line) as { runner: number }).runner);
      });
      void app.then((r) => reject(new Error(`the app exited first: ${r.stderr}`)));
    });
    expect(await isProcessAlive(runnerPid)).toBe(true);
    const started = Date.now();
    app.kill("SIGTERM");
    // The runner goes at once; the process at the latest when the grace period ends.
    await expect.poll(() => isProcessAlive(runnerPid), { timeout: 2_000 }).toBe(false);
    const result = await app;
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(result.exitCode).toBe(143);
  }, 120_000);
});
