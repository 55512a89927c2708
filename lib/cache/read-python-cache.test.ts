import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { repairModel } from "../convert/repair-model";
import { makeModel } from "../factory/make-model";
import { checkModel } from "../health/check-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { listModels } from "../models/list-models";
import { resolveModel } from "../models/resolve-model";
import { useTempDirs } from "../testing/temp-dir";
import { scanHubCache } from "./scan-hub-cache";

const tempDir = useTempDirs();

/** Fills a cache with Python's own snapshot_download, the layout every HF tool writes. */
async function pythonDownload(hubUrl: string, hfHome: string, repo: string, revision: string): Promise<string> {
  const { python, projectRoot } = loadConfig();
  const result = await execa(python, [join(projectRoot, "python", "interop", "hub_client.py"), "snapshot-download", "--repo", repo, "--revision", revision], {
    extendEnv: false,
    env: { PATH: process.env.PATH, HOME: hfHome, HF_HOME: hfHome, HF_ENDPOINT: hubUrl, HF_HUB_DISABLE_XET: "1", HF_HUB_DISABLE_TELEMETRY: "1" },
  });
  return (JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as { path: string }).path;
}

describe("reading a cache that huggingface_hub wrote", () => {
  it("finds repos, refs and snapshots, resolves specs, health-checks snapshots and keeps convert out", async () => {
    const root = await tempDir();
    const v1 = await makeModel({ dir: join(root, "v1"), shards: 2, seed: 1 });
    const v2 = await makeModel({ dir: join(root, "v2"), shards: 3, seed: 2, defects: ["index-missing-keys"] });
    const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir: v1.dir, tags: ["v1"] }, { dir: v2.dir }] }] });
    onTestFinished(() => hub.close());
    const hfHome = join(root, "hf");
    const mainPath = await pythonDownload(hub.url, hfHome, "acme/tiny", "main");
    const v1Path = await pythonDownload(hub.url, hfHome, "acme/tiny", "v1");
    const hubCache = join(hfHome, "hub");

    const scan = await scanHubCache(hubCache);
    expect(scan.warnings).toEqual([]);
    expect(scan.repos).toHaveLength(1);
    const repo = scan.repos[0];
    expect(repo?.repoId).toBe("acme/tiny");
    expect(repo?.revisions.map((r) => r.refs).sort()).toEqual([["main"], ["v1"]]);

    const roots = { hubCache, workspaceRoot: join(root, "ws") };
    const main = await resolveModel("acme/tiny", roots);
    expect(main).toMatchObject({ kind: "cache", path: mainPath });
    expect(await resolveModel("acme/tiny@v1", roots)).toMatchObject({ kind: "cache", path: v1Path });

    expect((await checkModel(v1Path)).healthy).toBe(true);
    const sick = await checkModel(mainPath);
    expect(sick.findings.map((f) => f.id)).toEqual(["index-missing-keys"]);

    const [listed] = await listModels(roots);
    expect(listed?.model).toMatchObject({ name: "acme/tiny", cached: true, hash: main.kind === "cache" ? main.commit : null, health: "unhealthy" });
    expect(listed?.model.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await expect(repairModel({ mode: "repair-index", source: mainPath, target: join(root, "fixed"), roots: { hubCache, hfHome } })).rejects.toMatchObject({
      code: "source_in_cache",
    });
  });
});
