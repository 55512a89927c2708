import { describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../lib/download/download-progress";
import { renderDownloadProgress } from "./download-progress";

const base: DownloadProgress = {
  phase: "downloading",
  done: 1_500_000_000,
  total: 3_000_000_000,
  unit: "bytes",
  repoId: "acme/big",
  commit: "0123456789abcdef0123456789abcdef01234567",
  files: [
    { path: "a", size: 1_000_000_000, done: 1_000_000_000, state: "done" },
    { path: "b", size: 2_000_000_000, done: 500_000_000, state: "downloading" },
  ],
  bytesPerSecond: 50_000_000,
  etaSeconds: 30,
  retries: 2,
};

describe("renderDownloadProgress", () => {
  it("shows bar, percent, bytes, speed, ETA, files done and retries on one line", () => {
    const line = renderDownloadProgress(base);
    expect(line).toBe(`${"█".repeat(12)}${"░".repeat(12)}  50% 1.5GB/3.0GB 50.0MB/s ETA 30s · 1/2 files · 2 retries`);
    expect(line).not.toContain("\n");
  });

  it("names the phase outside the transfer, and leaves out what is not known yet", () => {
    expect(renderDownloadProgress({ ...base, phase: "health-check" })).toBe("acme/big@0123456: health-check");
    expect(renderDownloadProgress({ ...base, phase: "resolving", commit: null })).toBe("acme/big: resolving");
    expect(renderDownloadProgress({ ...base, bytesPerSecond: 0, etaSeconds: null, retries: 0, done: 0 })).toMatch(/^░{24}   0% 0B\/3\.0GB · 1\/2 files$/);
    expect(renderDownloadProgress({ ...base, etaSeconds: 4000 })).toContain("ETA 1h06m");
  });
});
