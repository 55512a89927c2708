import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { modelFolder } from "./model-folder";
import { walkModelFolder } from "./walk-model-folder";

const tempDir = useTempDirs();

describe("walkModelFolder", () => {
  it("lists regular files with sizes and broken links, skipping tool folders", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "config.json"), "{}");
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "sub", "x.bin"), "abc");
    await mkdir(join(dir, ".git"));
    await writeFile(join(dir, ".git", "HEAD"), "ref");
    await symlink("../blobs/gone", join(dir, "model.safetensors"));
    const walk = await walkModelFolder(await modelFolder(dir), { skipDirs: new Set([".git"]) });
    expect(walk.files).toEqual([
      { path: "config.json", size: 2, brokenLink: false },
      { path: "model.safetensors", size: expect.any(Number), brokenLink: true },
      { path: "sub/x.bin", size: 3, brokenLink: false },
    ]);
    expect(walk.unsafe).toEqual([]);
  });

  it("never follows links out or round: two `x -> .` loops and a link to / end at once, each named", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "config.json"), "{}");
    await symlink(".", join(dir, "x"));
    await symlink(".", join(dir, "y"));
    await symlink("/", join(dir, "root"));
    await symlink("/etc/passwd", join(dir, "passwd"));
    execFileSync("mkfifo", [join(dir, "tokenizer.json")]);
    const started = Date.now();
    const walk = await walkModelFolder(await modelFolder(dir));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(walk.files.map((f) => f.path)).toEqual(["config.json"]);
    expect(walk.unsafe).toEqual([
      { path: "passwd", reason: "link-outside" },
      { path: "root", reason: "link-outside" },
      { path: "tokenizer.json", reason: "not-regular-file" },
      { path: "x", reason: "link-to-folder" },
      { path: "y", reason: "link-to-folder" },
    ]);
  });

  it("stops at the depth and entry bounds and says so", async () => {
    const dir = await tempDir();
    let deep = dir;
    for (let i = 0; i < 6; i++) deep = join(deep, `d${i}`);
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, "f"), "");
    const walk = await walkModelFolder(await modelFolder(dir), { maxDepth: 3 });
    expect(walk.files).toEqual([]);
    expect(walk.unsafe).toEqual([{ path: "d0/d1/d2/d3", reason: "too-deep" }]);

    const wide = await tempDir();
    for (let i = 0; i < 20; i++) await writeFile(join(wide, `f${String(i).padStart(2, "0")}`), "");
    const capped = await walkModelFolder(await modelFolder(wide), { maxEntries: 10 });
    expect(capped.files).toHaveLength(10);
    expect(capped.unsafe).toEqual([{ path: ".", reason: "too-many-entries" }]);
  });
});
