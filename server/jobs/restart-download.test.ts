import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { parseRange } from "../../lib/hub-fixture/parse-range";
import { startHubFixture } from "../../lib/hub-fixture/start-hub-fixture";
import { folderSha256 } from "../../lib/hub-fixture/test-support/folder-sha256";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { createServices } from "../services";

const tempDir = useTempDirs();
const SIZE = 48 * 1024 * 1024;

/** Bytes the fixture was asked to send for one file, from the Range headers it recorded. */
function requestedBytes(requests: { method: string; path: string; headers: Record<string, unknown> }[], file: string): number {
  return requests
    .filter((r) => r.method === "GET" && r.path.endsWith(`/${file}`))
    .reduce((sum, r) => {
      const range = parseRange(r.headers.range as string | undefined, SIZE);
      return sum + (range.kind === "part" ? range.end - range.start + 1 : range.kind === "whole" ? SIZE : 0);
    }, 0);
}

describe("a download across an app restart", () => {
  it("resumes on its own after the app process is killed mid-download, and finishes with the right bytes", async () => {
    const root = await tempDir();
    const source = join(root, "src");
    await mkdir(source);
    await writeFile(join(source, "config.json"), JSON.stringify({ model_type: "llama" }));
    await writeFile(join(source, "weights.bin"), randomBytes(SIZE));
    // 16 MB/s: the first process gets about half way in 1.5 s.
    const hub = await startHubFixture({ repos: [{ id: "acme/big", revisions: [{ dir: source }] }], bandwidth: 16 * 1024 * 1024 });
    const dataDir = join(root, "data");
    const hubCache = join(root, "hf", "hub");
    try {
      const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "test-crash-pull.ts"), dataDir, hubCache, hub.url, "acme/big"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const { id, done } = await new Promise<{ id: string; done: number }>((resolve, reject) => {
        child.stdout.once("data", (line: Buffer) => resolve(JSON.parse(line.toString()) as { id: string; done: number }));
        child.once("exit", (code) => reject(new Error(`the app process exited early (${code})`)));
      });
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      const before = requestedBytes(hub.requests, "weights.bin");
      const configBytes = (await readFile(join(source, "config.json"))).byteLength;

      // The app starts again on the same data folder: the pull continues by itself.
      const services = createServices({ ...loadConfig({ HF_ENDPOINT: hub.url, HOME: root }), dataDir, hubCache, hfHome: join(root, "hf") });
      try {
        await services.jobs.idle();
        const job = services.jobs.get(id);
        expect(job).toMatchObject({ kind: "pull", state: "succeeded", runs: 2 });
        if (job?.kind !== "pull" || !job.result) throw new Error("no result");
        expect(await folderSha256(job.result.snapshotPath)).toEqual(await folderSha256(source));
        // The second run asks only for what the first had not recorded: the partial record is written every
        // 1 MiB (lib/download/partial-file.ts), so a kill loses about that; bench:pull shows < 1% at 2 GB.
        const completed = done - configBytes;
        const again = requestedBytes(hub.requests, "weights.bin") - before;
        const refetched = again - (SIZE - completed);
        console.log(`restart: ${completed} bytes in before the kill, ${again} requested after it, ${refetched} fetched again`);
        expect(completed).toBeGreaterThan(SIZE * 0.45);
        expect(refetched).toBeLessThan(2 * 1024 * 1024);
      } finally {
        await services.close();
      }
    } finally {
      await hub.close();
    }
  }, 120_000);
});
