import { mkdir, open, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { useTempDirs } from "../testing/temp-dir";
import { newSentinel, writeSentinel } from "../workspace/sentinel";
import { describeHubModel } from "./describe-hub-model";
import { countParameters } from "./count-parameters";
import { MAX_SHARDS } from "./count-remote-parameters";

const tempDir = useTempDirs();
const GiB = 1 << 30;

/** A real factory model (two bf16 shards) served by the Hub fixture, and an empty cache and workspace root. */
async function serveModel(id: string, prepare?: (dir: string) => Promise<void>) {
  const dir = await tempDir();
  await makeModel({ dir, shards: 2, seed: 5 });
  await prepare?.(dir);
  const hub = await startHubFixture({ repos: [{ id, revisions: [{ dir }], downloads: 1234, likes: 5, tags: ["mlx"], libraryName: "mlx" }] });
  onTestFinished(() => hub.close());
  const home = await tempDir();
  const roots = { hubCache: join(home, "hub"), workspaceRoot: join(home, "workspaces") };
  return { dir, hub, roots, deps: { access: { hubUrl: hub.url }, roots, memory: () => ({ totalBytes: 16 * GiB, availableBytes: 8 * GiB }) } };
}

/** Bytes the fixture was asked for from `file`: every request to it must carry a Range. */
function rangesAsked(requests: { path: string; headers: Record<string, unknown> }[], file: string): [number, number][] {
  return requests
    .filter((r) => r.path.includes(`/resolve/`) && r.path.endsWith(`/${file}`))
    .map((r) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(String(r.headers.range ?? ""));
      expect(match, `a request for ${file} without a byte range`).not.toBeNull();
      return [Number(match?.[1]), Number(match?.[2])];
    });
}

describe("describeHubModel against the Hub fixture", () => {
  it("counts parameters from ranged header reads only, and shows files, card, config and memory", async () => {
    const { dir, hub, deps } = await serveModel("acme/tiny");
    const page = await describeHubModel(deps, "acme/tiny");

    const shards = (await readdir(dir)).filter((f) => f.endsWith(".safetensors")).sort();
    const headers = await Promise.all(shards.map((s) => readSafetensorsHeader(join(dir, s))));
    const expected = countParameters(headers.flatMap((h) => h.tensors), null).total;
    expect(page.parameters).toMatchObject({ ok: true, value: { total: expected, shards: 2, unpacked: false } });
    expect(expected).toBeGreaterThan(1000);

    // The request log: only the 8-byte prefix and the header of each shard, never a byte of tensor data.
    for (const [i, shard] of shards.entries()) {
      const header = headers[i];
      if (!header) throw new Error("no header");
      const asked = rangesAsked(hub.requests, shard);
      expect(asked).toEqual([
        [0, 7],
        [8, header.dataStart - 1],
      ]);
    }

    const sizes = await Promise.all((await readdir(dir)).map(async (f) => ({ path: f, size: (await stat(join(dir, f))).size })));
    expect(page.files.map((f) => f.path).sort()).toEqual(sizes.map((f) => f.path).sort());
    expect(page.totalBytes).toBe(sizes.reduce((n, f) => n + f.size, 0));
    expect(page.weightBytes).toBe(sizes.filter((f) => f.path.endsWith(".safetensors")).reduce((n, f) => n + f.size, 0));
    expect(page.license).toBe("apache-2.0");
    expect(page.card).toMatchObject({ ok: true });
    expect(page.card.ok && page.card.value).toMatch(/^A tiny llama-architecture model/);
    expect(page.config).toMatchObject({ ok: true, value: { modelType: "llama", architectures: ["LlamaForCausalLM"], quantization: null } });
    expect(page.memory).toMatchObject({ verdict: "fits" });
    expect(page.memory?.sentence).toMatch(/^Fits: .* of weights .*8\.6 GB free of 17\.2 GB\.$/);
    expect(page.local).toEqual({ cache: [], workspaces: [] });
  });

  it("refuses a shard whose header length is hostile, after reading its first 8 bytes only", async () => {
    const { hub, deps } = await serveModel("acme/hostile", async (dir) => {
      const handle = await open(join(dir, "model-00002-of-00002.safetensors"), "r+");
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(1n << 40n);
      await handle.write(length, 0, 8, 0);
      await handle.close();
    });
    const page = await describeHubModel(deps, "acme/hostile");
    expect(page.parameters).toMatchObject({ ok: false, code: "safetensors_header_too_large" });
    expect(page.parameters?.ok === false && page.parameters.message).toMatch(/exceeds the 100000000-byte limit/);
    expect(rangesAsked(hub.requests, "model-00002-of-00002.safetensors")).toEqual([[0, 7]]);
    // The rest of the page is still there.
    expect(page.files.length).toBeGreaterThan(4);
  });

  it("reads no header of a repo with more shards than any real model", async () => {
    const { hub, deps } = await serveModel("acme/many", async (dir) => {
      for (let i = 1; i <= MAX_SHARDS + 1; i++) await writeFile(join(dir, `model-${String(i).padStart(5, "0")}-of-00999.safetensors`), "x");
    });
    const page = await describeHubModel(deps, "acme/many");
    // The 257 added and the factory model's own 2.
    expect(page.parameters).toMatchObject({ ok: false, code: "too_many_shards", message: expect.stringMatching(new RegExp(`has ${MAX_SHARDS + 3} safetensors shards, more than the ${MAX_SHARDS}`)) });
    expect(hub.requests.filter((r) => r.path.includes(".safetensors"))).toEqual([]);
  });

  it("says where the model already is: a workspace cloned from it", async () => {
    const { deps, roots } = await serveModel("acme/cloned");
    const page = await describeHubModel(deps, "acme/cloned");
    const workspace = join(roots.workspaceRoot, "my-clone");
    await mkdir(workspace, { recursive: true });
    await writeSentinel(workspace, newSentinel({ operation: "clone", sourceRepo: "acme/cloned", sourceRevision: page.commit }));
    await writeFile(join(workspace, "config.json"), "{}");
    expect((await describeHubModel({ ...deps, memory: () => ({ totalBytes: 1000, availableBytes: 10 }) }, "acme/cloned")).local.workspaces).toEqual([
      { name: "my-clone", commit: page.commit, current: true },
    ]);
  });

  it("names a missing repository with the fix", async () => {
    const { deps } = await serveModel("acme/here");
    await expect(describeHubModel(deps, "acme/not-here")).rejects.toMatchObject({ code: "repo_not_found", hint: expect.stringMatching(/org\/name/) });
  });
});
