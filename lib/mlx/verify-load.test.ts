import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { verifyLoad } from "./verify-load";

const tempDir = useTempDirs();

describe("verifyLoad (real mlx-lm)", () => {
  it("loads a factory model and generates tokens", async () => {
    const dir = join(await tempDir(), "m");
    await makeModel({ dir, shards: 2, dtype: "float16" });
    const check = await verifyLoad(dir, loadConfig(), { maxTokens: 5 });
    expect(check.tokens).toHaveLength(5);
    expect(check.tokens.every((t) => Number.isInteger(t) && t >= 0 && t < 512)).toBe(true);
  });

  it("turns an mlx-lm failure into the last error line, not a traceback", async () => {
    const dir = join(await tempDir(), "m");
    await makeModel({ dir, defects: ["weights-npz"] });
    await expect(verifyLoad(dir, loadConfig())).rejects.toMatchObject({
      code: "load_failed",
      message: expect.stringMatching(/No safetensors found/),
      hint: expect.stringMatching(/whet health/),
    });
  });

  // Issue #10: a hostile model must not hold a load check open.
  it("fails a tokenizer that asks for trust_remote_code at once, and ends a check that runs past its time limit", async () => {
    const dir = join(await tempDir(), "m");
    await makeModel({ dir, defects: ["tokenizer-remote-code"] });
    const started = performance.now();
    await expect(verifyLoad(dir, loadConfig())).rejects.toMatchObject({ code: "load_failed", message: expect.stringMatching(/contains custom code/) });
    // Importing mlx-lm takes a few seconds; transformers' question on stdin alone would wait 15.
    expect(performance.now() - started).toBeLessThan(12_000);

    await expect(verifyLoad(dir, loadConfig(), { timeoutMs: 300 })).rejects.toMatchObject({ code: "load_check_timeout", message: expect.stringMatching(/0\.3 s/) });
  });
});
