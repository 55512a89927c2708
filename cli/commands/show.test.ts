import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { tinyGguf } from "../../lib/testing/encode-gguf";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();
const bin = join(process.cwd(), "bin", "whet.mjs");

async function whet(root: string, ...args: string[]) {
  return execa("node", [bin, ...args], { env: { WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" }, cwd: root, reject: false, timeout: 60_000 });
}

describe("whet show on a folder with GGUF files", () => {
  it("shows a GGUF's architecture, parameters and quantization, and a damaged one's header problem as a health finding", async () => {
    const root = await tempDir();
    const good = join(root, "tiny-gguf");
    await mkdir(good);
    await writeFile(join(good, "model.gguf"), tinyGguf().bytes);
    const shown = await whet(root, "show", good);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain("Framework: GGUF");
    expect(shown.stdout).toMatch(/GGUF file: model\.gguf\n {2}Architecture: llama\n {2}Name: Tiny Llama\n {2}Parameters: 4\.1k\n {2}Quantization: Q8_0\n {2}Context length: 2048/);
    const json = JSON.parse((await whet(root, "show", good, "--json")).stdout) as { data: { gguf: unknown[] } };
    expect(json.data.gguf).toEqual([expect.objectContaining({ file: "model.gguf", architecture: "llama", parameterCount: 32 * 64 * 2 + 32, quantization: "Q8_0", tensorTypes: { Q8_0: 1, F32: 1, F16: 1 } })]);

    // A damaged GGUF beside MLX weights: reported, but MLX still loads the safetensors.
    const mixed = join(root, "mixed");
    await makeModel({ dir: mixed });
    const damaged = Buffer.from(tinyGguf().bytes);
    damaged.writeUInt32LE(1, 4);
    await writeFile(join(mixed, "model.gguf"), damaged);
    const health = JSON.parse((await whet(root, "health", mixed, "--json")).stdout) as { data: { healthy: { findings: { id: string; severity: string; message: string }[] }[] } };
    expect(health.data.healthy[0]?.findings).toEqual([expect.objectContaining({ id: "gguf-invalid", severity: "cosmetic", message: "model.gguf: GGUF version 1 is not supported (versions 2 and 3 are)" })]);
    expect((await whet(root, "show", mixed)).stdout).toContain("GGUF file: model.gguf: GGUF version 1 is not supported");

    // Alone in its folder, a truncated GGUF blocks loading and says why.
    await writeFile(join(good, "model.gguf"), tinyGguf().bytes.subarray(0, 600));
    const broken = JSON.parse((await whet(root, "health", good, "--json")).stdout) as { data: { unhealthy: { findings: { id: string; severity: string }[] }[] } };
    expect(broken.data.unhealthy[0]?.findings).toContainEqual(expect.objectContaining({ id: "gguf-truncated", severity: "blocks-loading" }));
  });
});
