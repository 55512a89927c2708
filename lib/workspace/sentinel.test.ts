import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeHostileSentinel } from "../factory/hostile-sentinel";
import { makeModel } from "../factory/make-model";
import { listModels } from "../models/list-models";
import { useTempDirs } from "../testing/temp-dir";
import { isManagedWorkspace, newSentinel, readSentinel, readSentinelState, SENTINEL_FILE, updateSentinel, writeSentinel } from "./sentinel";

const tempDir = useTempDirs();

describe("workspace sentinel", () => {
  it("writes mlx-knife's fields atomically and reads them back", async () => {
    const dir = await tempDir();
    const sentinel = newSentinel({ operation: "clone", sourceRepo: "org/m", sourceRevision: "a".repeat(40) });
    await writeSentinel(dir, sentinel);
    expect(await readdir(dir)).toEqual([SENTINEL_FILE]);
    const text = await readFile(join(dir, SENTINEL_FILE), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ mlxk_version: expect.any(String), managed: true, operation: "clone", source_repo: "org/m" });
    expect(await isManagedWorkspace(dir)).toBe(true);
  });

  it("keeps fields other tools wrote when updating", async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, SENTINEL_FILE),
      JSON.stringify({ mlxk_version: "2.0.7", created_at: "2026-01-01T10:00:00.123456Z", managed: true, operation: "clone", content_hash: "sha256:x", file_index: [] }),
    );
    await updateSentinel(dir, { note: "hi" });
    expect(await readSentinel(dir)).toMatchObject({ mlxk_version: "2.0.7", content_hash: "sha256:x", file_index: [], note: "hi" });
  });

  it("treats a missing, broken or unmanaged sentinel as unmanaged", async () => {
    const dir = await tempDir();
    expect(await readSentinel(dir)).toBeNull();
    await writeFile(join(dir, SENTINEL_FILE), "{oops");
    expect(await isManagedWorkspace(dir)).toBe(false);
    await writeFile(join(dir, SENTINEL_FILE), JSON.stringify({ mlxk_version: "2", created_at: "x", managed: false, operation: "clone" }));
    expect(await isManagedWorkspace(dir)).toBe(false);
  });
});

describe("hostile sentinels (issue #10 finding 3)", () => {
  for (const kind of ["wrongTypes", "oversized", "notAnObject"] as const) {
    it(`treats a ${kind} sentinel as invalid and unmanaged, never quoting it`, async () => {
      const dir = await tempDir();
      await writeHostileSentinel(dir, kind);
      const state = await readSentinelState(dir);
      expect(state).toMatchObject({ state: "invalid", problem: expect.any(String) });
      expect(JSON.stringify(state)).not.toContain("hostileSecret");
      expect(await readSentinel(dir)).toBeNull();
      expect(await isManagedWorkspace(dir)).toBe(false);
    });
  }

  it("lists a workspace whose sentinel has a backtracking exclude pattern at once", async () => {
    const root = await tempDir();
    const workspaceRoot = join(root, "ws");
    await makeModel({ dir: join(workspaceRoot, "evil"), seed: 5 });
    await writeHostileSentinel(join(workspaceRoot, "evil"), "backtracking");
    const started = Date.now();
    const [listed] = await listModels({ workspaceRoot, hubCache: join(root, "hub") });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(listed?.model).toMatchObject({ name: join(workspaceRoot, "evil"), clean: false });
  });
});
