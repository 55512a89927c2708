import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { deleteWorkspace } from "./delete-workspace";
import { newSentinel, writeSentinel } from "./sentinel";

const tempDir = useTempDirs();

describe("deleteWorkspace", () => {
  it("deletes a managed workspace of the root and nothing else: not an unmanaged folder, a path, or the HF cache", async () => {
    const root = await tempDir();
    const roots = { workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") };
    const snapshot = join(roots.hubCache, "models--acme--tiny", "snapshots", "abc");
    for (const dir of [join(roots.workspaceRoot, "mine"), join(roots.workspaceRoot, "theirs"), snapshot]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "config.json"), "{}");
    }
    await writeSentinel(join(roots.workspaceRoot, "mine"), newSentinel({ operation: "clone", sourceRepo: "acme/tiny", sourceRevision: null }));
    await writeSentinel(snapshot, newSentinel({ operation: "clone", sourceRepo: "acme/tiny", sourceRevision: null }));

    await expect(deleteWorkspace("theirs", roots)).rejects.toMatchObject({ code: "workspace_unmanaged" });
    await expect(deleteWorkspace("../hub", roots)).rejects.toMatchObject({ code: "invalid_workspace_name" });
    await expect(deleteWorkspace("..", roots)).rejects.toMatchObject({ code: "invalid_workspace_name" });
    await expect(deleteWorkspace("gone", roots)).rejects.toMatchObject({ code: "workspace_not_found" });
    await expect(deleteWorkspace("abc", { ...roots, workspaceRoot: join(roots.hubCache, "models--acme--tiny", "snapshots") })).rejects.toMatchObject({ code: "inside_hf_cache" });

    const deleted = await deleteWorkspace("mine", roots);
    expect(deleted).toMatchObject({ name: "mine", path: join(roots.workspaceRoot, "mine") });
    expect(deleted.freedBytes).toBeGreaterThan(2);
    expect(await readdir(roots.workspaceRoot)).toEqual(["theirs"]);
    expect(await readdir(snapshot)).toContain("config.json");
  });
});
