import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { resolveModel } from "./resolve-model";

const tempDir = useTempDirs();
const A = "a".repeat(40);
const B = "b".repeat(40);

/** A cache with the layout huggingface_hub writes, two revisions of one repo. */
async function fixture() {
  const root = await tempDir();
  const hubCache = join(root, "hub");
  const workspaceRoot = join(root, "ws");
  const repo = join(hubCache, "models--acme--tiny-llama");
  for (const commit of [A, B]) {
    await mkdir(join(repo, "snapshots", commit), { recursive: true });
    await mkdir(join(repo, "blobs"), { recursive: true });
    await writeFile(join(repo, "blobs", commit), "{}");
    await symlink(`../../blobs/${commit}`, join(repo, "snapshots", commit, "config.json"));
  }
  await mkdir(join(repo, "refs", "refs", "pr"), { recursive: true });
  await writeFile(join(repo, "refs", "main"), B);
  await writeFile(join(repo, "refs", "refs", "pr", "1"), A);
  await mkdir(join(hubCache, "models--acme--other"), { recursive: true });
  await mkdir(join(hubCache, "models--acme--other", "snapshots", A), { recursive: true });
  await mkdir(join(workspaceRoot, "tiny-fixed"), { recursive: true });
  return { root, roots: { hubCache, workspaceRoot }, repo };
}

describe("resolveModel", () => {
  it("resolves org/name to the snapshot refs/main points at", async () => {
    const { roots, repo } = await fixture();
    expect(await resolveModel("acme/tiny-llama", roots)).toEqual({
      kind: "cache", name: "acme/tiny-llama", repoId: "acme/tiny-llama", commit: B, path: join(repo, "snapshots", B),
    });
  });

  it("resolves @ref, @pr refs and @hash prefixes to that revision", async () => {
    const { roots } = await fixture();
    expect(await resolveModel("acme/tiny-llama@refs/pr/1", roots)).toMatchObject({ commit: A });
    expect(await resolveModel("acme/tiny-llama@aaaa", roots)).toMatchObject({ commit: A });
    expect(await resolveModel("acme/tiny-llama@main", roots)).toMatchObject({ commit: B });
    await expect(resolveModel("acme/tiny-llama@cccc", roots)).rejects.toMatchObject({
      code: "hash_not_found",
      details: { available_hashes: expect.arrayContaining(["aaaaaaaa", "bbbbbbbb"]) },
    });
  });

  it("finds workspaces by name, and by explicit path where paths are allowed (the CLI)", async () => {
    const { roots, root } = await fixture();
    expect(await resolveModel("tiny-fixed", roots)).toEqual({ kind: "workspace", name: "tiny-fixed", path: join(roots.workspaceRoot, "tiny-fixed") });
    expect(await resolveModel(join(root, "ws", "tiny-fixed"), roots, { allowPaths: true })).toMatchObject({ kind: "workspace" });
    await expect(resolveModel(join(root, "nope"), roots, { allowPaths: true })).rejects.toMatchObject({ code: "model_not_found" });
  });

  it("takes names only by default: paths and `..` tricks are refused in words, before anything is read (issue #10 finding 6)", async () => {
    const { roots, root } = await fixture();
    // A model folder outside both roots, reachable from the current directory through `x/../..`.
    const outside = join(root, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "config.json"), "{}");
    const sneaky = `x/../${relative(process.cwd(), outside)}`;
    await symlink(outside, join(roots.workspaceRoot, "linked"));
    for (const spec of ["/etc", "../..", "..", "~/", "~", ".", "./tiny-fixed", outside, sneaky, "x/../../../folder", "acme/tiny-llama/../../x", "tiny-fixed@../../x", "a\\..\\b"]) {
      await expect(resolveModel(spec, roots), spec).rejects.toMatchObject({ code: "invalid_model", message: expect.stringMatching(/is not a model name/) });
    }
    await expect(resolveModel(sneaky, roots, { allowPaths: true })).resolves.toMatchObject({ kind: "workspace", path: outside });
    // A link in the workspace root to a folder elsewhere is not a workspace the app lists or opens.
    await expect(resolveModel("linked", roots)).rejects.toMatchObject({ code: "model_not_found" });
    expect(await resolveModel("acme/tiny-llama@refs/pr/1", roots)).toMatchObject({ commit: A });
  });

  it("reports ambiguous fuzzy matches instead of guessing", async () => {
    const { roots } = await fixture();
    await expect(resolveModel("tiny", roots)).rejects.toMatchObject({
      code: "ambiguous_match",
      details: { matches: ["tiny-fixed", "acme/tiny-llama"] },
    });
    expect(await resolveModel("llama", roots)).toMatchObject({ repoId: "acme/tiny-llama" });
    await expect(resolveModel("zzz", roots)).rejects.toMatchObject({ code: "model_not_found" });
  });
});
