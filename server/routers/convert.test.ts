import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

async function caller() {
  const test = await testServices();
  await makeModel({ dir: join(test.config.workspaceRoot, "tiny"), seed: 61 });
  return test;
}

describe("convert router", () => {
  it("estimates the output before starting, runs the quantize job, and serves the stored quality report", async () => {
    const { call, services } = await caller();
    const estimate = await call.convert.estimate({ spec: "tiny", options: { mode: "quantize", bits: 4, groupSize: 64 } });
    expect(estimate).toMatchObject({ quantizedLayers: 16, bitsHistogram: { 4: 16 }, shards: 1, warnings: [] });
    expect(estimate.outputBytes).toBeLessThan(estimate.sourceBytes / 3);

    const job = await call.operations.start({ kind: "convert-weights", source: "tiny", name: "tiny-4bit", options: { mode: "quantize", bits: 4, groupSize: 64 } });
    expect(job).toMatchObject({ kind: "convert-weights", title: "Quantize tiny to 4-bit → tiny-4bit" });
    await services.jobs.idle();
    const done = await call.operations.get({ id: job.id });
    expect(done?.state).toBe("succeeded");
    if (done?.kind !== "convert-weights") throw new Error("wrong kind");
    expect(done.result).toMatchObject({ totalSize: estimate.outputBytes, health: { healthy: true }, quality: { overall: { tensors: 16 } } });

    const stored = await call.convert.quality({ spec: "tiny-4bit" });
    expect(stored?.quality.layerTypes.map((l) => l.layerType)).toContain("mlp.down_proj");
    expect(await call.convert.quality({ spec: "tiny" })).toBeNull();
  });

  it("refuses invalid options and unconvertible models with their error codes", async () => {
    const { call } = await caller();
    await expect(call.convert.estimate({ spec: "tiny", options: { mode: "quantize", bits: 7 as 4 } })).rejects.toThrow(/bits must be one of 2, 3, 4, 5, 6, 8/);
    await expect(call.convert.estimate({ spec: "tiny", options: { mode: "dequantize" } })).rejects.toMatchObject({ cause: { code: "source_not_quantized" } });
    await expect(call.operations.start({ kind: "convert-weights", source: "tiny", name: "../escape", options: { mode: "dtype", dtype: "float16" } })).rejects.toThrow(/no slashes/);
  });
});
