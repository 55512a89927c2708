import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { watchJob, type JobSnapshot } from "../jobs/job-registry";
import { createCallerFactory } from "../trpc/init";
import { appRouter } from "./_app";

const tempDir = useTempDirs();

async function caller() {
  const root = await tempDir();
  const config = { ...loadConfig(), dataDir: join(root, "data"), workspaceRoot: join(root, "workspaces"), hubCache: join(root, "hub"), hfHome: join(root, "hf") };
  await makeModel({ dir: join(config.workspaceRoot, "tiny"), seed: 61 });
  return createCallerFactory(appRouter)({ config });
}

async function finished(id: string): Promise<JobSnapshot> {
  let last: JobSnapshot | null = null;
  for await (const snapshot of watchJob(id, 0)) last = snapshot;
  return last as JobSnapshot;
}

describe("convert router", () => {
  it("estimates the output before starting, runs the quantize job, and serves the stored quality report", async () => {
    const call = await caller();
    const estimate = await call.convert.estimate({ spec: "tiny", options: { mode: "quantize", bits: 4, groupSize: 64 } });
    expect(estimate).toMatchObject({ quantizedLayers: 16, bitsHistogram: { 4: 16 }, shards: 1, warnings: [] });
    expect(estimate.outputBytes).toBeLessThan(estimate.sourceBytes / 3);

    const job = await call.convert.start({ source: "tiny", name: "tiny-4bit", options: { mode: "quantize", bits: 4, groupSize: 64 } });
    expect(job).toMatchObject({ kind: "quantize", status: "running", title: "Quantize tiny to 4-bit → tiny-4bit" });
    const done = await finished(job.id);
    expect(done.status).toBe("succeeded");
    expect(done.result).toMatchObject({ workspace: "tiny-4bit", healthy: true, outputBytes: estimate.outputBytes, quality: { overall: { tensors: 16 } } });

    const stored = await call.convert.quality({ spec: "tiny-4bit" });
    expect(stored?.quality.layerTypes.map((l) => l.layerType)).toContain("mlp.down_proj");
    expect(await call.convert.quality({ spec: "tiny" })).toBeNull();
  });

  it("refuses invalid options and unconvertible models with their error codes", async () => {
    const call = await caller();
    await expect(call.convert.estimate({ spec: "tiny", options: { mode: "quantize", bits: 7 as 4 } })).rejects.toThrow(/bits must be one of 2, 3, 4, 5, 6, 8/);
    await expect(call.convert.estimate({ spec: "tiny", options: { mode: "dequantize" } })).rejects.toMatchObject({ cause: { code: "source_not_quantized" } });
    await expect(call.convert.start({ source: "tiny", name: "../escape", options: { mode: "dtype", dtype: "float16" } })).rejects.toThrow(/no slashes/);
  });
});
