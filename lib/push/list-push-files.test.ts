import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { listPushFiles } from "./list-push-files";
import { BUILTIN_EXCLUSIONS, readHfignore } from "./push-exclusions";

const tempDir = useTempDirs();

async function files(dir: string, paths: string[]): Promise<void> {
  for (const path of paths) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), path);
  }
}

describe("listPushFiles", () => {
  it("leaves out local metadata, partial downloads, litter, links and what .hfignore names, saying why", async () => {
    const dir = await tempDir();
    await files(dir, [
      "config.json",
      "sub/model.safetensors",
      ".mlxk_workspace.json",
      ".hfignore",
      ".git/HEAD",
      "sub/.git/config",
      ".cache/huggingface/download/config.json.metadata",
      ".whet-clone/abc.ranges",
      "model.safetensors.incomplete",
      "blob.incomplete.ranges",
      "sub/.DS_Store",
      "._config.json",
      "Thumbs.db",
      "README.md~",
      ".README.md.swp",
      "scripts/__pycache__/x.pyc",
      "drafts/a.md",
      "logs/run.log",
      "keep/run.txt",
      ".gitattributes",
    ]);
    await writeFile(join(dir, ".hfignore"), "# comments and blank lines are skipped\n\ndrafts/\n*.log\n");
    await symlink("/etc/hostname", join(dir, "link.txt"));

    const listed = await listPushFiles(dir, [...BUILTIN_EXCLUSIONS, ...(await readHfignore(dir))]);
    expect(listed.files.map((f) => f.path)).toEqual([".gitattributes", "config.json", "keep/run.txt", "sub/model.safetensors"]);
    expect(listed.files[1]).toMatchObject({ absPath: join(dir, "config.json"), size: "config.json".length });
    expect(Object.fromEntries(listed.excluded.map((e) => [e.path, e.reason]))).toEqual({
      ".mlxk_workspace.json": "the workspace sentinel (local metadata)",
      ".hfignore": "the workspace's push rules",
      ".git/": "git metadata",
      "sub/.git/": "git metadata",
      ".cache/huggingface/": "huggingface_hub's local-dir metadata",
      ".whet-clone/": "a clone's partial downloads",
      "model.safetensors.incomplete": "a partial download",
      "blob.incomplete.ranges": "a partial download's record",
      "sub/.DS_Store": "macOS folder metadata",
      "._config.json": "macOS resource fork",
      "Thumbs.db": "Windows thumbnail cache",
      "README.md~": "an editor backup",
      ".README.md.swp": "a vim swap file",
      "scripts/__pycache__/": "Python bytecode cache",
      "drafts/": ".hfignore: drafts/",
      "logs/run.log": ".hfignore: *.log",
      "link.txt": "a symbolic link (links are not followed)",
    });
  });
});
