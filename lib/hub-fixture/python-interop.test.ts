import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import type { RepoSpec } from "./repo-spec";
import { startHubFixture, type HubFixture } from "./start-hub-fixture";
import { folderSha256 } from "./test-support/folder-sha256";
import { makeRepoFolder } from "./test-support/make-repo-folder";

const PROJECT_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = process.env.WHET_PYTHON ?? join(PROJECT_ROOT, ".venv", "bin", "python");
const HUB_CLIENT = join(PROJECT_ROOT, "python", "interop", "hub_client.py");
const TOKEN = "hf_interoptoken0123456789";
const WRITE_TOKEN = "hf_interopwritetoken0123456789";

const tempDir = useTempDirs();

interface PythonClient {
  cache: string;
  /** Runs one hub_client.py subcommand; resolves to its JSON output (an `error` object when the client raised). */
  run(args: string[], options?: { token?: string }): Promise<Record<string, unknown>>;
}

async function pythonClient(hub: HubFixture): Promise<PythonClient> {
  const home = await tempDir();
  const cache = join(home, "hub");
  return {
    cache,
    async run(args, { token } = {}) {
      // A clean environment: no user token, config or cache can leak into the run.
      const result = await execa(PYTHON, [HUB_CLIENT, ...args], {
        extendEnv: false,
        reject: false,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          HF_HOME: home,
          HF_HUB_CACHE: cache,
          HF_ENDPOINT: hub.url,
          HF_HUB_DISABLE_XET: "1",
          HF_HUB_DISABLE_TELEMETRY: "1",
          HF_HUB_DISABLE_PROGRESS_BARS: "1",
          HF_HUB_DISABLE_UPDATE_CHECK: "1",
          ...(token ? { HF_TOKEN: token } : {}),
        },
      });
      const last = result.stdout.trim().split("\n").at(-1) ?? "";
      if (!last.startsWith("{")) {
        throw new Error(`hub_client.py ${args.join(" ")} exited ${result.exitCode}:\n${result.stderr}`);
      }
      return JSON.parse(last) as Record<string, unknown>;
    },
  };
}

async function serve(repos: (dir: string) => RepoSpec[]) {
  const dir = await makeRepoFolder(await tempDir(), { seed: 21 });
  const hub = await startHubFixture({ repos: repos(dir), tokens: [TOKEN], writeTokens: [WRITE_TOKEN], user: { orgs: ["acme"] } });
  onTestFinished(() => hub.close());
  return { dir, hub, python: await pythonClient(hub) };
}

async function commitOf(hub: HubFixture, repo: string, revision = "main"): Promise<string> {
  const response = await fetch(`${hub.url}/api/models/${repo}/revision/${revision}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  return ((await response.json()) as { sha: string }).sha;
}

describe("Hub fixture with Python huggingface_hub", () => {
  it("snapshot_download writes a byte-identical snapshot, follows the branch, and scans clean", async () => {
    const { dir, hub, python } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir }] }]);
    const repoCache = join(python.cache, "models--acme--tiny");
    const first = await commitOf(hub, "acme/tiny");

    const one = await python.run(["snapshot-download", "--repo", "acme/tiny", "--revision", "main"]);
    expect(one).toEqual({ path: join(repoCache, "snapshots", first) });
    expect(await folderSha256(join(repoCache, "snapshots", first))).toEqual(await folderSha256(dir));
    expect(await readFile(join(repoCache, "refs", "main"), "utf8")).toBe(first);
    // Python resolves main once, then reads everything at the commit it got.
    expect(hub.requests.some((r) => r.method === "HEAD" && r.path === `/acme/tiny/resolve/${first}/docs/notes/usage.md`)).toBe(true);

    const secondDir = await makeRepoFolder(await tempDir(), { seed: 22, shards: 3 });
    const second = await hub.addRevision("acme/tiny", { dir: secondDir });
    const two = await python.run(["snapshot-download", "--repo", "acme/tiny", "--revision", "main"]);
    expect(two).toEqual({ path: join(repoCache, "snapshots", second) });
    expect(await folderSha256(join(repoCache, "snapshots", second))).toEqual(await folderSha256(secondDir));
    expect(await readFile(join(repoCache, "refs", "main"), "utf8")).toBe(second);

    const scan = await python.run(["scan-cache"]);
    expect(scan.warnings).toEqual([]);
    expect(scan.repos).toEqual([
      expect.objectContaining({
        repo_id: "acme/tiny",
        repo_type: "model",
        revisions: [first, second].sort().map((commit) => ({
          commit_hash: commit,
          refs: commit === second ? ["main"] : [],
          files: expect.arrayContaining(["config.json", "usage.md"]),
        })),
      }),
    ]);
  });

  it("hf_hub_download fetches one file by commit hash", async () => {
    const { dir, hub, python } = await serve((dir) => [{ id: "acme/tiny", revisions: [{ dir, tags: ["v1"] }] }]);
    const commit = await commitOf(hub, "acme/tiny");
    for (const filename of ["config.json", "model-00002-of-00002.safetensors"]) {
      const result = await python.run(["hf-hub-download", "--repo", "acme/tiny", "--filename", filename, "--revision", commit]);
      expect(result.path).toBe(join(python.cache, "models--acme--tiny", "snapshots", commit, filename));
      expect((await readFile(String(result.path))).equals(await readFile(join(dir, filename)))).toBe(true);
    }
    const byTag = await python.run(["hf-hub-download", "--repo", "acme/tiny", "--filename", "docs/notes/usage.md", "--revision", "v1"]);
    expect(await readFile(String(byTag.path), "utf8")).toBe(await readFile(join(dir, "docs/notes/usage.md"), "utf8"));
    expect(await readFile(join(python.cache, "models--acme--tiny", "refs", "v1"), "utf8")).toBe(commit);

    const missing = await python.run(["hf-hub-download", "--repo", "acme/tiny", "--filename", "nope.json", "--revision", commit]);
    expect(missing).toMatchObject({ error: { classes: expect.arrayContaining(["EntryNotFoundError"]) } });
    // The 404 carried X-Repo-Commit, so Python remembered the miss for offline use.
    await expect(readFile(join(python.cache, "models--acme--tiny", ".no_exist", commit, "nope.json"))).resolves.toHaveLength(0);
    const badRevision = await python.run(["hf-hub-download", "--repo", "acme/tiny", "--filename", "config.json", "--revision", "nope"]);
    expect(badRevision).toMatchObject({ error: { classes: expect.arrayContaining(["RevisionNotFoundError"]) } });
  });

  it("HfApi lists models and reads model info, and private repos need the token", async () => {
    const { dir, hub, python } = await serve((dir) => [
      { id: "acme/tiny-one", revisions: [{ dir }], downloads: 5, tags: ["mlx"], libraryName: "mlx", pipelineTag: "text-generation" },
      { id: "acme/tiny-two", revisions: [{ dir }], downloads: 9 },
      { id: "other/large", revisions: [{ dir }] },
      { id: "acme/tiny-secret", revisions: [{ dir }], private: true },
    ]);
    const listed = await python.run(["list-models", "--search", "tiny"]);
    expect(listed.models).toEqual([
      { id: "acme/tiny-two", downloads: 9, likes: 0, tags: [], library_name: null },
      { id: "acme/tiny-one", downloads: 5, likes: 0, tags: ["mlx"], library_name: "mlx" },
    ]);

    const info = await python.run(["model-info", "--repo", "acme/tiny-one"]);
    expect(info).toMatchObject({ id: "acme/tiny-one", sha: await commitOf(hub, "acme/tiny-one"), private: false, pipeline_tag: "text-generation", license: "apache-2.0" });
    const siblings = info.siblings as { rfilename: string; size: number; lfs_sha256: string | null }[];
    const digests = await folderSha256(dir);
    expect(siblings.map((s) => s.rfilename).sort()).toEqual(Object.keys(digests).sort());
    const shard = siblings.find((s) => s.rfilename === "model-00001-of-00002.safetensors");
    expect(shard?.lfs_sha256).toBe(digests["model-00001-of-00002.safetensors"]);

    const hidden = await python.run(["snapshot-download", "--repo", "acme/tiny-secret", "--revision", "main"]);
    expect(hidden).toMatchObject({ error: { classes: expect.arrayContaining(["RepositoryNotFoundError"]) } });
    const shown = await python.run(["snapshot-download", "--repo", "acme/tiny-secret", "--revision", "main"], { token: TOKEN });
    expect(await folderSha256(String(shown.path))).toEqual(digests);
  });

  it("create_repo and upload_folder push a folder that snapshot_download gets back byte for byte", async () => {
    const { dir, hub, python } = await serve(() => []);
    const created = await python.run(["create-repo", "--repo", "acme/pushed", "--private"], { token: WRITE_TOKEN });
    expect(created).toEqual({ url: `${hub.url}/acme/pushed`, repo_id: "acme/pushed" });
    const again = await python.run(["create-repo", "--repo", "acme/pushed", "--exist-ok"], { token: WRITE_TOKEN });
    expect(again).toEqual(created);

    const pushed = await python.run(["upload-folder", "--repo", "acme/pushed", "--folder", dir], { token: WRITE_TOKEN });
    const head = await commitOf(hub, "acme/pushed");
    expect(pushed.oid).toBe(head);
    // The weights went through the LFS batch API and a PUT each, the rest inline in the commit.
    const shards = Object.keys(await folderSha256(dir)).filter((path) => path.endsWith(".safetensors"));
    expect(hub.requests.filter((r) => r.method === "PUT")).toHaveLength(shards.length);

    const snapshot = await python.run(["snapshot-download", "--repo", "acme/pushed", "--revision", "main"], { token: WRITE_TOKEN });
    const { ".gitattributes": attributes, ...files } = await folderSha256(String(snapshot.path));
    expect(files).toEqual(await folderSha256(dir));
    expect(attributes).toBeDefined();

    // Nothing changed: Python skips every file (preupload gave their oids) and makes no commit.
    const unchanged = await python.run(["upload-folder", "--repo", "acme/pushed", "--folder", dir], { token: WRITE_TOKEN });
    expect(unchanged.oid).toBe(head);
    expect(hub.requests.filter((r) => r.method === "PUT")).toHaveLength(shards.length);
    expect(hub.requests.filter((r) => r.path.startsWith("/api/models/acme/pushed/commit/"))).toHaveLength(1);

    const denied = await python.run(["upload-folder", "--repo", "acme/pushed", "--folder", dir], { token: TOKEN });
    expect(denied).toMatchObject({ error: { classes: expect.arrayContaining(["HfHubHTTPError"]) } });
  });
});
