import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { DEFECT_IDS, type DefectId } from "../../lib/factory/defects";
import { makeModel } from "../../lib/factory/make-model";
import { checkModel } from "../../lib/health/check-model";
import { hashTree } from "../../lib/testing/hash-tree";
import { useTempDirs } from "../../lib/testing/temp-dir";

const tempDir = useTempDirs();

async function whet(root: string, ...args: string[]) {
  const env = { WHET_HOME: join(root, "home"), WHET_WORKSPACES: join(root, "ws"), HF_HOME: join(root, "hf"), HF_HUB_CACHE: "", HF_TOKEN: "" };
  const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "repair", ...args, "--json"], { env, reject: false, cwd: root });
  return { code: result.exitCode, json: JSON.parse(result.stdout) as { status: string; data: Record<string, unknown>; error: { type: string } | null } };
}

describe("whet repair", () => {
  it("repairs and verifies (exit 0), finds nothing to repair (2), only unrepairable defects (3), or fails (1); the source is never changed", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "ws", "broken"), shards: 3, defects: ["index-missing-shards", "eos-token-id-null"] });
    await makeModel({ dir: join(root, "ws", "fine") });
    await makeModel({ dir: join(root, "ws", "truncated"), defects: ["truncated-shard"] });
    const before = await hashTree(join(root, "ws"));

    const repaired = await whet(root, "broken", "--yes");
    expect(repaired.code).toBe(0);
    expect(repaired.json.data).toMatchObject({ verdict: "repairable", target: join(root, "ws", "broken-fixed"), after: { healthy: true } });
    expect((repaired.json.data.verified as { tokens: number[] }).tokens.length).toBeGreaterThan(0);

    expect((await whet(root, "fine", "--yes")).code).toBe(2);
    const stuck = await whet(root, "truncated", "--yes");
    expect(stuck.code).toBe(3);
    expect(stuck.json.data).toMatchObject({ verdict: "only-unrepairable", target: null });
    const missing = await whet(root, "no-such-model", "--yes");
    expect(missing).toMatchObject({ code: 1, json: { status: "error", error: { type: "model_not_found" } } });
    const unconfirmed = await whet(root, "broken", "other-target");
    expect(unconfirmed).toMatchObject({ code: 1, json: { error: { type: "requires_confirmation" } } });

    const after = await hashTree(join(root, "ws"));
    for (const [file, digest] of Object.entries(before)) expect(after[file], file).toBe(digest);
  });

  it("repairs every factory defect that has a repair into a healthy workspace", async () => {
    const root = await tempDir();
    const repairable: DefectId[] = [];
    for (const defect of DEFECT_IDS) {
      const dir = join(root, "ws", defect);
      await makeModel({ dir, shards: 2, defects: [defect] });
      const { findings } = await checkModel(dir);
      if (findings.length > 0 && findings.every((f) => f.repair !== null)) repairable.push(defect);
    }
    expect(repairable.length).toBeGreaterThanOrEqual(8);
    for (const defect of repairable) {
      const result = await whet(root, defect, "--yes", "--no-verify");
      expect(result.code, defect).toBe(0);
      expect(result.json.data, defect).toMatchObject({ after: { healthy: true } });
    }
  }, 300_000);
});
