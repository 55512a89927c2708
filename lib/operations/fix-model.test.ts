import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { hashTree } from "../testing/hash-tree";
import { useTempDirs } from "../testing/temp-dir";
import { readSentinel } from "../workspace/sentinel";
import { fixModelOperation } from "./fix-model";
import { runToEnd } from "./operation";

const tempDir = useTempDirs();

async function setup() {
  const root = await tempDir();
  const config = { ...loadConfig(), hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub"), workspaceRoot: join(root, "ws"), dataDir: join(root, "data") };
  const deps = { config, fetch, signal: new AbortController().signal, now: Date.now };
  return { root, config, deps };
}

describe("fix a model (the wizard's and whet repair's operation)", () => {
  it("repairs every finding into a new workspace, verifies it in mlx-lm, and leaves the source as it was", async () => {
    const { root, deps } = await setup();
    const source = join(root, "broken");
    await makeModel({ dir: source, shards: 3, defects: ["index-missing-shards", "eos-token-id-null"] });
    const before = await hashTree(source);
    const phases: string[] = [];
    const result = await runToEnd(fixModelOperation, { source, sourceName: "broken", target: join(root, "ws", "broken-fixed") }, deps, (p) => phases.push(p.phase));
    expect(result.verdict).toBe("repairable");
    expect(result.plan.steps.map((s) => s.mode)).toEqual(["repair-index", "repair-config"]);
    expect(result.after).toMatchObject({ healthy: true, findings: [] });
    expect(result.verified?.tokens.length).toBeGreaterThan(0);
    expect(typeof result.verified?.text).toBe("string");
    expect([...new Set(phases)]).toEqual(["diagnosing", "repairing", "verifying", "done"]);
    expect(await hashTree(source)).toEqual(before);
  });

  it("copies a model in the HF cache into a workspace first, and never modifies the cache", async () => {
    const { root, config, deps } = await setup();
    const commit = "b".repeat(40);
    const repo = join(config.hubCache, "models--acme--broken");
    const snapshot = join(repo, "snapshots", commit);
    await makeModel({ dir: snapshot, shards: 2, defects: ["index-missing-shards"] });
    await mkdir(join(repo, "refs"), { recursive: true });
    await writeFile(join(repo, "refs", "main"), commit);
    const cache = await hashTree(config.hubCache);
    const copyTarget = join(config.workspaceRoot, "broken");
    const result = await runToEnd(
      fixModelOperation,
      { source: snapshot, sourceName: "acme/broken", fromCache: { repoId: "acme/broken", commit, copyTarget }, target: join(config.workspaceRoot, "broken-fixed"), verify: false },
      deps,
    );
    expect(result).toMatchObject({ verdict: "repairable", copiedTo: copyTarget, after: { healthy: true }, verified: null });
    expect(await readSentinel(copyTarget)).toMatchObject({ source_repo: "acme/broken", source_revision: commit, clone_status: "complete" });
    expect(await hashTree(config.hubCache)).toEqual(cache);
  });

  it("tells a healthy model and one with only defects no repair fixes apart, and writes nothing for either", async () => {
    const { root, deps } = await setup();
    await makeModel({ dir: join(root, "ok") });
    await makeModel({ dir: join(root, "truncated"), defects: ["truncated-shard"] });
    const healthy = await runToEnd(fixModelOperation, { source: join(root, "ok"), sourceName: "ok", target: join(root, "ws", "ok-fixed") }, deps);
    expect(healthy).toMatchObject({ verdict: "nothing-to-repair", target: null });
    const stuck = await runToEnd(fixModelOperation, { source: join(root, "truncated"), sourceName: "truncated", target: join(root, "ws", "t-fixed") }, deps);
    expect(stuck).toMatchObject({ verdict: "only-unrepairable", target: null });
    expect(stuck.plan.findings.some((f) => f.guidance)).toBe(true);
    expect(await hashTree(join(root, "ws")).catch(() => null)).toBeNull();
  });
});
