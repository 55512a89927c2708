import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HOSTILE_SECRET, type DefectId } from "../factory/defects";
import { writeHostileSentinel } from "../factory/hostile-sentinel";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { checkModel } from "./check-model";

const tempDir = useTempDirs();

async function hostile(defect: DefectId) {
  const dir = join(await tempDir(), "model");
  await makeModel({ dir, shards: 2, defects: [defect] });
  return dir;
}

describe("health on hostile folders (issue #10 finding 4)", () => {
  for (const defect of ["config-links-outside", "config-secret-text"] as const) {
    it(`never quotes file bytes in its report: ${defect}`, async () => {
      const report = await checkModel(await hostile(defect));
      expect(report.healthy).toBe(false);
      // V8's JSON.parse message quotes the first bytes of the text it fails on.
      for (const part of HOSTILE_SECRET.split(/[=_]/).filter((p) => p.length > 4)) expect(JSON.stringify(report)).not.toContain(part);
    });
  }

  it("answers at once for a FIFO named tokenizer.json, naming it", async () => {
    const started = Date.now();
    const report = await checkModel(await hostile("tokenizer-fifo"));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.findings.find((f) => f.id === "unsafe-file")).toMatchObject({ severity: "blocks-loading", evidence: { files: ["tokenizer.json"] } });
  }, 10_000);

  it("walks `x -> .` loops and a link to / in well under a second", async () => {
    const dir = await hostile("folder-link-loops");
    const started = Date.now();
    const report = await checkModel(dir);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.findings.find((f) => f.id === "unsafe-file")?.message).toMatch(/x is a link to a folder/);
  }, 10_000);
});

describe("health on a folder with a sentinel Whetstone did not write (issue #10 finding 3)", () => {
  it("reports it, treats the folder as unmanaged and stays healthy", async () => {
    const dir = join(await tempDir(), "model");
    await makeModel({ dir, shards: 2 });
    await writeHostileSentinel(dir, "wrongTypes");
    const report = await checkModel(dir);
    expect(report).toMatchObject({ healthy: true, managed: false });
    expect(report.findings).toEqual([expect.objectContaining({ id: "sentinel-invalid", severity: "cosmetic", evidence: { file: ".mlxk_workspace.json" } })]);
    for (const part of HOSTILE_SECRET.split(/[=_]/).filter((p) => p.length > 4)) expect(JSON.stringify(report)).not.toContain(part);
  });
});
