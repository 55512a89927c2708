import { describe, expect, it } from "vitest";
import { useTempDirs } from "../lib/testing/temp-dir";
import { loadDrill } from "./load-drill";

const tempDir = useTempDirs();

/** A small count of the load drill (`npm run drill:load` runs 16 streams). */
describe("load drill", () => {
  it("answers concurrent streams without dropping or crossing them, and an abandoned stream frees the runner within a second", async () => {
    const report = await loadDrill({ root: await tempDir(), streams: 6, maxTokens: 16 });
    expect(report).toMatchObject({ dropped: 0, crossed: 0 });
    expect(report.abandonStopMs).toBeLessThan(1000);
    expect(report.peakRunnerRssMb).toBeGreaterThan(0);
    expect(report.peakRunnerRssMb).toBeLessThan(1024);
  });
});
