import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeModel } from "../lib/factory/make-model";
import { startHubFixture, type HubFixture } from "../lib/hub-fixture/start-hub-fixture";
import { mlxLoadAndGenerate } from "../lib/testing/python";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";

let hub: HubFixture;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "whet-cli-"));
  const broken = await makeModel({ dir: join(root, "src", "broken"), shards: 3, defects: ["index-missing-shards"] });
  hub = await startHubFixture({ repos: [{ id: "acme/tiny-llama-broken", revisions: [{ dir: broken.dir }], tags: ["mlx"] }] });
  env = { HF_ENDPOINT: hub.url, WHET_HOME: join(root, "home"), HF_HOME: join(root, "hf"), HF_TOKEN: "", HF_HUB_CACHE: "" };
});
afterAll(async () => {
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

/** Runs the real `whet` binary (bin/whet.mjs, as npx does) and parses its --json envelope. */
async function whet(...args: string[]) {
  const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), ...args], { env, reject: false, cwd: root });
  const json = args.includes("--json") ? (JSON.parse(result.stdout) as Record<string, unknown>) : null;
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, json };
}

describe("whet CLI, end to end", () => {
  it("searches, clones a broken model, explains it, repairs it, and the repair loads in mlx-lm", async () => {
    const search = await whet("search", "broken", "--json");
    expect(search.code).toBe(0);
    expect(search.json).toMatchObject({ status: "success", command: "search", error: null, data: { count: 1 } });

    const clone = await whet("clone", "acme/tiny-llama-broken", "ws", "--json");
    expect(clone.code).toBe(0);
    expect(Object.keys(clone.json ?? {})).toEqual(["status", "command", "data", "error"]);
    expect(clone.json).toMatchObject({
      status: "success",
      command: "clone",
      data: { model: "acme/tiny-llama-broken", clone_status: "success", health: "unhealthy", target_dir: join(root, "home", "workspaces", "ws") },
    });

    const sick = await whet("health", "ws", "--json");
    expect(sick.code).toBe(0);
    expect(sick.json).toMatchObject({
      status: "success",
      command: "health",
      data: {
        healthy: [],
        unhealthy: [{ status: "unhealthy", reason: expect.stringMatching(/^Index\/shard mismatch \(mlx-vlm #624\)/), findings: [{ id: "index-shard-mismatch", repair: "repair-index" }] }],
        summary: { total: 1, healthy_count: 0, unhealthy_count: 1 },
      },
    });

    const convert = await whet("convert", "ws", "ws-fixed", "--repair-index", "--json");
    expect(convert.code).toBe(0);
    expect(convert.json).toMatchObject({
      status: "success",
      command: "convert",
      data: { mode: "repair-index", health_check: true, health_status: "healthy", message: "Index rebuilt successfully", fixed: ["index-shard-mismatch"] },
    });

    const well = await whet("health", "ws-fixed", "--json");
    expect(well.json).toMatchObject({ data: { summary: { healthy_count: 1 }, healthy: [{ managed: true, findings: [] }] } });

    const human = await whet("health", "ws-fixed");
    expect(human.stdout).toMatch(/^healthy\s+\/.*ws-fixed \[managed\] — Multi-file model complete$/m);

    const tokens = await mlxLoadAndGenerate(join(root, "home", "workspaces", "ws-fixed"));
    expect(tokens).toHaveLength(8);

    const listed = await whet("list", "--all", "--json");
    expect((listed.json?.data as { count: number }).count).toBe(2);
  });

  it("exits 2 on usage errors and 1 on operation errors, with the envelope and a hint", async () => {
    const usage = await whet("convert", "a", "b", "--frobnicate", "--json");
    expect(usage.code).toBe(2);
    expect(usage.json).toMatchObject({ status: "error", error: { type: "usage_error" } });

    const noMode = await whet("convert", "a", "b");
    expect(noMode.code).toBe(2);
    expect(noMode.stderr).toMatch(/Must specify a conversion mode/);

    const missing = await whet("health", "./does-not-exist", "--json");
    expect(missing.code).toBe(1);
    expect(missing.json).toMatchObject({ status: "error", command: "health", data: null, error: { type: "model_not_found", hint: expect.any(String) } });

    const badRepo = await whet("pull", "x", "--json");
    expect(badRepo.code).toBe(1);
    expect(badRepo.json).toMatchObject({ error: { type: "invalid_repo_id", hint: expect.stringContaining("org/name") } });

    const none = await whet();
    expect(none.code).toBe(2);
  });
});
