import { describe, expect, it } from "vitest";
import { useTempDirs } from "../lib/testing/temp-dir";
import { killCases } from "./kill-cases";
import { killDrill } from "./kill-drill";

const tempDir = useTempDirs();

/** A small count of the kill drill (`npm run drill:kill` runs 50 trials per operation). */
describe("kill drill", () => {
  it("after a SIGKILL at a random moment of each operation, nothing is harmed and the next run finishes", async () => {
    const setup = await killCases(await tempDir(), { hiddenSize: 256, intermediateSize: 768, layers: 4, vocabSize: 2048 });
    try {
      for (const kase of setup.cases) {
        const report = await killDrill({ kase, trials: 2, seed: 11, projectRoot: process.cwd(), env: setup.env });
        expect(report.failures, kase.name).toEqual([]);
        expect(report.worstRssMb, kase.name).toBeGreaterThan(0);
      }
    } finally {
      await setup.hub.close();
    }
  }, 300_000);
});
