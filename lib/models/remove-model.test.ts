import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { useTempDirs } from "../testing/temp-dir";
import { newSentinel, writeSentinel } from "../workspace/sentinel";
import { removeModel } from "./remove-model";

const tempDir = useTempDirs();

async function python(script: string, args: string[], env: Record<string, string>) {
  const { python: py, projectRoot } = loadConfig();
  const { stdout } = await execa(py, [join(projectRoot, "python", "interop", "hub_client.py"), script, ...args], {
    extendEnv: false,
    env: { PATH: process.env.PATH, HF_HUB_DISABLE_XET: "1", HF_HUB_DISABLE_TELEMETRY: "1", ...env },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as Record<string, unknown>;
}

describe("removeModel", () => {
  it("deletes one cached revision and only the blobs nothing else uses, leaving a cache Python still reads", async () => {
    const root = await tempDir();
    const v1 = await makeModel({ dir: join(root, "v1"), shards: 2, seed: 1 });
    const v2 = await makeModel({ dir: join(root, "v2"), shards: 2, seed: 2 });
    const hub = await startHubFixture({ repos: [{ id: "acme/tiny", revisions: [{ dir: v1.dir, tags: ["v1"] }, { dir: v2.dir }] }] });
    onTestFinished(() => hub.close());
    const hfHome = join(root, "hf");
    const env = { HOME: hfHome, HF_HOME: hfHome, HF_ENDPOINT: hub.url };
    await python("snapshot-download", ["--repo", "acme/tiny", "--revision", "main"], env);
    await python("snapshot-download", ["--repo", "acme/tiny", "--revision", "v1"], env);
    const roots = { hubCache: join(hfHome, "hub"), workspaceRoot: join(root, "ws") };
    const blobs = join(roots.hubCache, "models--acme--tiny", "blobs");
    const before = (await readdir(blobs)).length;

    const fuzzy = await removeModel("tiny@v1", roots);
    expect(fuzzy.action).toBe("requires_confirmation");
    expect((await readdir(blobs)).length).toBe(before);

    const removed = await removeModel("acme/tiny@v1", roots);
    expect(removed).toMatchObject({ action: "deleted", kind: "cache", message: expect.stringMatching(/^Deleted acme\/tiny@/) });
    const left = (await readdir(blobs)).length;
    // The shards differ between the revisions; tokenizer, config and README are shared and stay.
    expect(left).toBeLessThan(before);
    expect(left).toBeGreaterThan(before / 2);
    const scan = await python("scan-cache", [], env);
    expect(scan.warnings).toEqual([]);
    const repos = scan.repos as { revisions: { refs: string[] }[] }[];
    expect(repos[0]?.revisions.map((r) => r.refs)).toEqual([["main"]]);

    expect(await removeModel("acme/tiny", roots)).toMatchObject({ action: "deleted", message: "Deleted entire model acme/tiny" });
    expect(await readdir(roots.hubCache)).not.toContain("models--acme--tiny");
  });

  it("deletes a managed workspace only when asked to, and only after a yes when a confirmation is wanted", async () => {
    const root = await tempDir();
    const roots = { hubCache: join(root, "hub"), workspaceRoot: join(root, "ws") };
    await mkdir(join(roots.workspaceRoot, "mine"), { recursive: true });
    await writeSentinel(join(roots.workspaceRoot, "mine"), newSentinel({ operation: "clone", sourceRepo: "a/b", sourceRevision: null }));
    await mkdir(join(roots.workspaceRoot, "theirs"), { recursive: true });
    await writeFile(join(roots.workspaceRoot, "theirs", "config.json"), "{}");
    await expect(removeModel("mine", roots)).rejects.toMatchObject({ code: "workspace_not_removed", hint: "To delete the workspace itself, run: whet rm mine --workspace" });
    await expect(removeModel("theirs", roots, { workspaces: true })).rejects.toMatchObject({ code: "workspace_unmanaged" });
    const asked: string[] = [];
    const no = await removeModel("mine", roots, { workspaces: true, confirm: async (what) => (asked.push(what), false) });
    expect(no).toMatchObject({ action: "cancelled" });
    expect(asked).toEqual([`workspace ${join(roots.workspaceRoot, "mine")}`]);
    expect(await removeModel("mine", roots, { workspaces: true, confirm: async () => true })).toMatchObject({ action: "deleted", kind: "workspace" });
    expect(await readdir(roots.workspaceRoot)).toEqual(["theirs"]);
  });
});
