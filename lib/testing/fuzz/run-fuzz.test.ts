import { describe, expect, it } from "vitest";
import { runFuzz } from "./run-fuzz";

describe("fuzz drill (a small run of `npm run drill:fuzz`)", () => {
  it("answers 300 seeded damaged models with typed results, in time and memory, while /api/health answers", async () => {
    const report = await runFuzz({ trials: 300, seed: 20_260_101 });
    expect(report.failures, JSON.stringify(report.failures.slice(0, 5), null, 2)).toEqual([]);
    expect(report.worstMs).toBeLessThan(5000);
    expect(report.worstRssBytes).toBeLessThan(512 * 2 ** 20);
    expect(report.health.polls).toBeGreaterThan(0);
    expect(report.health.unanswered).toBe(0);
    // The damage reached the readers: every kind of case ran, and they answered with findings and typed errors.
    expect(Object.keys(report.kinds)).toHaveLength(14);
    expect(report.kinds["gguf-header"]).toBeGreaterThan(0);
    expect(Object.keys(report.answers).some((a) => a.startsWith("error "))).toBe(true);
    expect(report.answers["config-number-invalid"]).toBeGreaterThan(0);
    // GGUF damage reached the GGUF reader: refused with its typed errors, and as health findings.
    expect(Object.keys(report.answers).filter((a) => a.startsWith("error gguf_")).length).toBeGreaterThan(1);
    expect(report.answers["gguf-invalid"]).toBeGreaterThan(0);
  });
});
