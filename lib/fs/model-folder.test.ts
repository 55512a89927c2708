import { execFileSync } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { modelFolder, openModelFile, readModelText } from "./model-folder";

const tempDir = useTempDirs();
const SECRET = "SECRET-TOKEN=hf_hostile_4f1c";

async function folderWithSecret() {
  const root = await tempDir();
  const dir = join(root, "model");
  await mkdir(dir);
  await writeFile(join(root, "secret.txt"), SECRET);
  await writeFile(join(dir, "config.json"), '{"model_type": "llama"}');
  return { root, dir };
}

describe("reading a file of a model folder", () => {
  it("reads a regular file inside, and a missing file is null", async () => {
    const { dir } = await folderWithSecret();
    const folder = await modelFolder(dir);
    expect(await readModelText(folder, "config.json")).toBe('{"model_type": "llama"}');
    expect(await readModelText(folder, "absent.json")).toBeNull();
  });

  it("refuses a link to a file outside the folder, naming the file and never its bytes", async () => {
    const { root, dir } = await folderWithSecret();
    await symlink(join(root, "secret.txt"), join(dir, "tokenizer.json"));
    await symlink("../secret.txt", join(dir, "relative.json"));
    const folder = await modelFolder(dir);
    for (const file of ["tokenizer.json", "relative.json"]) {
      const error = await readModelText(folder, file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "unsafe_file", details: { file, reason: "link-outside" } });
      expect((error as Error).message).toContain(file);
      expect(JSON.stringify(error)).not.toContain("hf_hostile");
    }
  });

  it("refuses a FIFO at once instead of blocking on it", async () => {
    const { dir } = await folderWithSecret();
    execFileSync("mkfifo", [join(dir, "tokenizer.json")]);
    const folder = await modelFolder(dir);
    const started = Date.now();
    await expect(readModelText(folder, "tokenizer.json")).rejects.toMatchObject({ code: "unsafe_file", details: { reason: "not-regular-file" } });
    await expect(openModelFile(folder, "tokenizer.json")).rejects.toMatchObject({ code: "unsafe_file" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses a link that loops and a file over the size limit", async () => {
    const { dir } = await folderWithSecret();
    await symlink("b.json", join(dir, "a.json"));
    await symlink("a.json", join(dir, "b.json"));
    await writeFile(join(dir, "big.json"), "x".repeat(2048));
    const folder = await modelFolder(dir);
    await expect(readModelText(folder, "a.json")).rejects.toMatchObject({ code: "unsafe_file", details: { reason: "link-loop" } });
    await expect(readModelText(folder, "big.json", { maxBytes: 1024 })).rejects.toMatchObject({ code: "unsafe_file", details: { reason: "too-large" } });
  });

  it("follows a cache snapshot's links into its own repo's blobs, and no other repo's", async () => {
    const hub = await tempDir();
    const repo = join(hub, "models--acme--tiny");
    const other = join(hub, "models--acme--other");
    const snapshot = join(repo, "snapshots", "a".repeat(40));
    await mkdir(snapshot, { recursive: true });
    await mkdir(join(repo, "blobs"), { recursive: true });
    await mkdir(join(other, "blobs"), { recursive: true });
    await writeFile(join(repo, "blobs", "c1"), '{"ok": true}');
    await writeFile(join(other, "blobs", "c2"), SECRET);
    await symlink("../../blobs/c1", join(snapshot, "config.json"));
    await symlink("../../../models--acme--other/blobs/c2", join(snapshot, "tokenizer.json"));
    const folder = await modelFolder(snapshot);
    expect(await readModelText(folder, "config.json")).toBe('{"ok": true}');
    await expect(readModelText(folder, "tokenizer.json")).rejects.toMatchObject({ details: { reason: "link-outside" } });
  });

  it("refuses a relative path that climbs out of the folder", async () => {
    const { dir } = await folderWithSecret();
    const folder = await modelFolder(dir);
    await expect(readModelText(folder, "../secret.txt")).rejects.toMatchObject({ code: "unsafe_file", details: { reason: "link-outside" } });
  });
});
