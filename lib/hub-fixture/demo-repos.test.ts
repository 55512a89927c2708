import { stat } from "node:fs/promises";
import { join } from "node:path";
import { listModels, modelInfo } from "@huggingface/hub";
import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { buildDemoRepos } from "./demo-repos";
import { startHubFixture } from "./start-hub-fixture";

const tempDir = useTempDirs();

async function heads(dir: string): Promise<Record<string, string>> {
  const hub = await startHubFixture({ repos: await buildDemoRepos(dir) });
  onTestFinished(() => hub.close());
  const shas: Record<string, string> = {};
  for await (const model of listModels({ hubUrl: hub.url, search: { owner: "whetstone-demo" }, additionalFields: ["sha"] })) {
    shas[model.name] = model.sha;
  }
  return shas;
}

describe("buildDemoRepos", () => {
  it("builds the demo repos with the same commits on every machine", async () => {
    const [here, there] = await Promise.all([tempDir(), tempDir()]);
    const first = await heads(here);
    expect(Object.keys(first)).toEqual([
      "whetstone-demo/tiny-llama-bf16",
      "whetstone-demo/tiny-llama-f16",
      "whetstone-demo/tiny-llama-broken-index",
      "whetstone-demo/tiny-llama-no-index",
      "whetstone-demo/tiny-llama-stale-index",
      "whetstone-demo/tiny-llama-npz",
      "whetstone-demo/tiny-llama-eos-null",
      "whetstone-demo/tiny-llama-truncated",
    ]);
    expect(await heads(there)).toEqual(first);
  });

  it("keeps models already built and serves them as mlx text-generation repos", async () => {
    const dir = await tempDir();
    const specs = await buildDemoRepos(dir);
    const config = join(dir, "whetstone-demo", "tiny-llama-npz", "config.json");
    const built = (await stat(config)).mtimeMs;
    expect(await buildDemoRepos(dir)).toEqual(specs);
    expect((await stat(config)).mtimeMs).toBe(built);

    const hub = await startHubFixture({ repos: specs });
    onTestFinished(() => hub.close());
    const npz = await modelInfo({ name: "whetstone-demo/tiny-llama-npz", hubUrl: hub.url, additionalFields: ["filePaths", "tags", "library_name"] });
    expect(npz).toMatchObject({ task: "text-generation", library_name: "mlx", tags: ["mlx", "safetensors", "llama", "text-generation"] });
    expect(npz.filePaths).toContain("weights.npz");
    expect(npz.filePaths).not.toContain("model.safetensors");
    const broken = await modelInfo({ name: "whetstone-demo/tiny-llama-broken-index", hubUrl: hub.url, additionalFields: ["filePaths"] });
    expect(broken.filePaths.filter((f) => f.endsWith(".safetensors"))).toHaveLength(3);
  });
});
