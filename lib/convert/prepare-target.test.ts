import { spawnSync } from "node:child_process";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeModel } from "../factory/make-model";
import { useTempDirs } from "../testing/temp-dir";
import { newSentinel, readSentinel, writeSentinel } from "../workspace/sentinel";
import { CONVERT_WRITING } from "./prepare-target";
import { repairModel } from "./repair-model";

const tempDir = useTempDirs();

async function setup() {
  const root = await tempDir();
  const roots = { hfHome: join(root, "hf"), hubCache: join(root, "hf", "hub") };
  const source = join(root, "model");
  await makeModel({ dir: source, seed: 3 });
  return { root, roots, source };
}

/** A target as a convert killed mid-way leaves it: its sentinel says writing, by process `pid`, and a partial shard. */
async function leftover(target: string, pid: number) {
  await mkdir(target, { recursive: true });
  await writeSentinel(target, newSentinel({ operation: "convert", sourceRepo: null, sourceRevision: null, mode: "repair-index", extra: { convert_status: CONVERT_WRITING, writer_pid: pid } }));
  await writeFile(join(target, "model-00001-of-00002.safetensors"), Buffer.alloc(100));
}

describe("convert targets", () => {
  it("marks the output complete, clears what a killed convert left, and refuses a target another convert is writing", async () => {
    const { root, roots, source } = await setup();
    const done = join(root, "done");
    await repairModel({ mode: "repair-index", source, target: done, roots });
    expect(await readSentinel(done)).toMatchObject({ convert_status: "complete", writer_pid: null });

    const dead = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const killed = join(root, "killed");
    await leftover(killed, dead);
    const result = await repairModel({ mode: "repair-index", source, target: killed, roots });
    expect(result.health?.healthy).toBe(true);
    expect(await readdir(killed)).not.toContain("model-00001-of-00002.safetensors");

    const busy = join(root, "busy");
    await leftover(busy, process.pid);
    await expect(repairModel({ mode: "repair-index", source, target: busy, roots })).rejects.toMatchObject({ code: "target_busy" });

    // Killed between creating the folder and renaming its sentinel into place.
    const early = join(root, "early");
    await mkdir(early);
    await writeFile(join(early, ".mlxk_workspace.json.tmp"), "{");
    expect((await repairModel({ mode: "repair-index", source, target: early, roots })).health?.healthy).toBe(true);

    const foreign = join(root, "foreign");
    await mkdir(foreign);
    await writeFile(join(foreign, "notes.txt"), "mine");
    await expect(repairModel({ mode: "repair-index", source, target: foreign, roots })).rejects.toMatchObject({ code: "target_not_empty" });
    expect(await readdir(foreign)).toEqual(["notes.txt"]);
  });
});
