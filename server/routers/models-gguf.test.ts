import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tinyGguf } from "../../lib/testing/encode-gguf";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

describe("models.get on a GGUF folder (what the model page shows)", () => {
  it("returns each GGUF's summary, and a damaged GGUF as a readable finding instead of failing", async () => {
    const { call, config } = await testServices();
    const dir = join(config.workspaceRoot, "tiny-gguf");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "a.gguf"), tinyGguf().bytes);
    await writeFile(join(dir, "b.gguf"), Buffer.from("GGUF\u0003\u0000\u0000\u0000"));
    const got = await call.models.get({ spec: "tiny-gguf" });
    expect(got.model).toMatchObject({ framework: "GGUF", runtime_compatible: false });
    expect(got.gguf).toEqual([expect.objectContaining({ file: "a.gguf", architecture: "llama", parameterCount: 4128, quantization: "Q8_0", contextLength: 2048 })]);
    expect(got.report.findings).toContainEqual(expect.objectContaining({ id: "gguf-truncated", severity: "blocks-loading", evidence: { file: "b.gguf" } }));
  });
});
