import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../factory/make-model";
import { checkModel } from "../health/check-model";
import { useTempDirs } from "../testing/temp-dir";
import { planRepair } from "./plan-repair";

const tempDir = useTempDirs();

describe("planRepair", () => {
  it("orders the repairs, says why in plain words, and keeps internal references out of the text", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "m"), shards: 3, defects: ["index-missing-shards", "eos-token-id-null"] });
    const plan = planRepair((await checkModel(join(root, "m"))).findings);
    expect(plan.verdict).toBe("repairable");
    expect(plan.steps.map((s) => s.mode)).toEqual(["repair-index", "repair-config"]);
    const eos = plan.findings.find((f) => f.id === "eos-token-id-null");
    expect(eos?.text).toBe("config.json sets eos_token_id to null, so generation may never stop.");
    expect(eos?.references).toEqual(["ADR-018 A4"]);
    expect(plan.findings.every((f) => !/ADR-|#\d/.test(f.text))).toBe(true);
  });

  it("tells a model with nothing to repair from one with only defects no repair fixes", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "ok") });
    await makeModel({ dir: join(root, "truncated"), defects: ["truncated-shard"] });
    expect(planRepair((await checkModel(join(root, "ok"))).findings).verdict).toBe("nothing-to-repair");
    const plan = planRepair((await checkModel(join(root, "truncated"))).findings);
    expect(plan.verdict).toBe("only-unrepairable");
    expect(plan.findings[0]?.guidance).toMatch(/download/i);
  });
});
