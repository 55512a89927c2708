import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { createRunnerPool } from "./runner-pool";

const tempDir = useTempDirs();

describe("a model folder mlx-lm would block on or read out of never reaches a runner (issue #10 finding 4)", () => {
  for (const defect of ["tokenizer-fifo", "config-links-outside"] as const) {
    it(`refuses ${defect} at once, naming the file`, async () => {
      const root = await tempDir();
      await makeModel({ dir: join(root, "ws", "evil"), seed: 7, defects: [defect] });
      const pool = createRunnerPool({ config: { ...loadConfig(), workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") } });
      onTestFinished(() => pool.stopAll());
      const started = Date.now();
      await expect(pool.runnerFor("evil")).rejects.toMatchObject({ code: "unsafe_file", details: { file: defect === "tokenizer-fifo" ? "tokenizer.json" : "config.json" } });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(pool.list()).toEqual([]);
    });
  }
});
