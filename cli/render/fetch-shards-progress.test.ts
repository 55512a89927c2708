import { describe, expect, it } from "vitest";
import type { DownloadProgress } from "../../lib/download/download-progress";
import type { FetchShardsProgress } from "../../lib/operations/fetch-shards";
import { renderDownloadProgress } from "./download-progress";
import { renderFetchShardsProgress } from "./fetch-shards-progress";

const download: DownloadProgress = {
  phase: "downloading",
  done: 500,
  total: 1000,
  unit: "bytes",
  repoId: "acme/piped",
  commit: "0123456789abcdef0123456789abcdef01234567",
  files: [{ path: "model-00001-of-00002.safetensors", size: 1000, done: 500, state: "downloading" }],
  bytesPerSecond: 0,
  etaSeconds: null,
  retries: 0,
};

const row = (rank: number, host: string, phase: FetchShardsProgress["ranks"][number]["phase"]) => ({ rank, host, phase, filesDone: 0, files: null, done: 0, total: 0 });

const base: FetchShardsProgress = {
  phase: "rank 1 fetching",
  done: 500,
  total: 1000,
  unit: "bytes",
  detail: "1/2 ranks",
  repoId: "acme/piped",
  commit: download.commit,
  ranks: [row(0, "this machine", "done"), row(1, "this machine", "fetching")],
  current: { rank: 1, download },
};

describe("renderFetchShardsProgress", () => {
  it("names the rank and draws its download as pull does", () => {
    expect(renderFetchShardsProgress(base)).toBe(`rank 1 of 2 (this machine): ${renderDownloadProgress(download)}`);
    expect(renderFetchShardsProgress({ ...base, ranks: [row(0, "this machine", "metadata"), row(1, "this machine", "waiting")], current: { rank: 0, download } })).toMatch(/^rank 0 of 2 \(this machine, metadata\): /);
  });

  it("says another host fetches over ssh, and what is done when no rank is under way", () => {
    expect(renderFetchShardsProgress({ ...base, ranks: [row(0, "this machine", "done"), row(1, "gpu2", "fetching")], current: { rank: 1, download: null } })).toBe("rank 1 of 2 (gpu2): fetching on gpu2 over ssh");
    expect(renderFetchShardsProgress({ ...base, detail: "2/2 ranks", current: null })).toBe("acme/piped: 2/2 ranks");
  });
});
