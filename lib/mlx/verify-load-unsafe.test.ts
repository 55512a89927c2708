import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { verifyLoad } from "./verify-load";

const tempDir = useTempDirs();

describe("verifyLoad on a hostile folder (issue #10 finding 4)", () => {
  it("refuses a FIFO tokenizer at once instead of handing it to mlx-lm", async () => {
    const dir = join(await tempDir(), "evil");
    await makeModel({ dir, seed: 9, defects: ["tokenizer-fifo"] });
    const started = Date.now();
    await expect(verifyLoad(dir, loadConfig())).rejects.toMatchObject({ code: "unsafe_file", details: { file: "tokenizer.json" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
