import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { renameWorkspace } from "./rename-workspace";
import { newSentinel, readSentinel, updateSentinel, writeSentinel } from "./sentinel";

const tempDir = useTempDirs();

async function roots() {
  const root = await tempDir();
  const r = { workspaceRoot: join(root, "ws"), hubCache: join(root, "hub") };
  await mkdir(r.workspaceRoot, { recursive: true });
  await mkdir(join(r.hubCache, "models--acme--tiny", "snapshots", "abc"), { recursive: true });
  return { root, ...r };
}

async function workspace(dir: string, extra: Record<string, unknown> = {}) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), '{"model_type":"llama"}');
  await writeSentinel(dir, newSentinel({ operation: "convert", sourceRepo: "acme/tiny", sourceRevision: null, extra }));
}

describe("renameWorkspace", () => {
  it("moves the folder with its files and keeps the lineage of workspaces made from it, by either form of its path", async () => {
    const real = await roots();
    // The workspace root reached through a link, as a home on another disk is; convert records real paths.
    const r = { ...real, workspaceRoot: join(real.root, "linked-ws") };
    await symlink(real.workspaceRoot, r.workspaceRoot);
    await workspace(join(r.workspaceRoot, "base"));
    await workspace(join(r.workspaceRoot, "base-4bit"), { source_path: join(r.workspaceRoot, "base") });
    await workspace(join(r.workspaceRoot, "base-fixed"), { source_path: join(real.workspaceRoot, "base") });
    await workspace(join(r.workspaceRoot, "unrelated"), { source_path: join(real.workspaceRoot, "base-fixed") });
    const result = await renameWorkspace("base", "renamed", r);
    expect({ ...result, relinked: result.relinked.sort() }).toEqual({ from: "base", to: "renamed", path: join(r.workspaceRoot, "renamed"), relinked: ["base-4bit", "base-fixed"] });
    expect((await readdir(r.workspaceRoot)).sort()).toEqual(["base-4bit", "base-fixed", "renamed", "unrelated"]);
    expect(await readFile(join(r.workspaceRoot, "renamed", "config.json"), "utf8")).toBe('{"model_type":"llama"}');
    expect((await readSentinel(join(r.workspaceRoot, "base-4bit")))?.source_path).toBe(join(r.workspaceRoot, "renamed"));
    expect((await readSentinel(join(r.workspaceRoot, "base-fixed")))?.source_path).toBe(join(real.workspaceRoot, "renamed"));
    expect((await readSentinel(join(r.workspaceRoot, "unrelated")))?.source_path).toBe(join(real.workspaceRoot, "base-fixed"));
  });

  it("refuses an existing name, even an empty folder, and leaves both as they were", async () => {
    const r = await roots();
    await workspace(join(r.workspaceRoot, "a"));
    await workspace(join(r.workspaceRoot, "b"));
    await mkdir(join(r.workspaceRoot, "empty"));
    await expect(renameWorkspace("a", "b", r)).rejects.toMatchObject({ code: "workspace_exists", message: "A workspace called b already exists" });
    await expect(renameWorkspace("a", "empty", r)).rejects.toMatchObject({ code: "workspace_exists" });
    await expect(renameWorkspace("a", "a", r)).rejects.toMatchObject({ code: "same_name" });
    expect((await readdir(r.workspaceRoot)).sort()).toEqual(["a", "b", "empty"]);
    expect(await readdir(join(r.workspaceRoot, "empty"))).toEqual([]);
  });

  it("refuses names that are paths, links out of the root, the HF cache and a workspace a convert is writing", async () => {
    const r = await roots();
    await workspace(join(r.workspaceRoot, "a"));
    for (const to of ["../escaped", "x/y", "..", ".hidden", "~", "/tmp/x"]) {
      await expect(renameWorkspace("a", to, r)).rejects.toMatchObject({ code: "invalid_workspace_name" });
    }
    for (const from of ["..", "../ws/a", "a/..", "~", ""]) {
      await expect(renameWorkspace(from, "b", r)).rejects.toMatchObject({ code: "invalid_workspace_name" });
    }
    await symlink(join(r.hubCache, "models--acme--tiny", "snapshots", "abc"), join(r.workspaceRoot, "link"));
    await expect(renameWorkspace("link", "b", r)).rejects.toMatchObject({ code: "workspace_not_found" });
    // A workspace root configured inside the cache is still the cache.
    await expect(renameWorkspace("abc", "b", { ...r, workspaceRoot: join(r.hubCache, "models--acme--tiny", "snapshots") })).rejects.toMatchObject({ code: "inside_hf_cache" });
    await updateSentinel(join(r.workspaceRoot, "a"), { convert_status: "writing", writer_pid: process.pid });
    await expect(renameWorkspace("a", "b", r)).rejects.toMatchObject({ code: "workspace_busy" });
    expect((await readdir(r.workspaceRoot)).sort()).toEqual(["a", "link"]);
    expect(await readdir(join(r.root, "hub", "models--acme--tiny", "snapshots"))).toEqual(["abc"]);
  });
});
