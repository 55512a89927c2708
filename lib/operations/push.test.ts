import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { listFiles, modelInfo } from "@huggingface/hub";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { WhetError } from "../errors";
import { makeModel } from "../factory/make-model";
import { startHubFixture, type HubFixture } from "../hub-fixture/start-hub-fixture";
import { folderSha256 } from "../hub-fixture/test-support/folder-sha256";
import { runHubClient } from "../hub-fixture/test-support/python-hub-client";
import { LOCAL_ONLY, makePushWorkspace } from "../push/test-support/push-workspace-fixture";
import { useTempDirs } from "../testing/temp-dir";
import { readSentinel } from "../workspace/sentinel";
import { runToEnd, type OperationDeps } from "./operation";
import { pushOperation, type PushInput, type PushProgress, type PushResult } from "./push";

const tempDir = useTempDirs();
const WRITE = "hf_pushwritetoken0123456789";
const READ = "hf_pushreadtoken0123456789";

async function serve(): Promise<HubFixture> {
  const hub = await startHubFixture({ tokens: [READ], writeTokens: [WRITE], user: { orgs: ["acme"] } });
  onTestFinished(() => hub.close());
  return hub;
}

async function deps(hub: HubFixture, token: string | null = WRITE): Promise<OperationDeps> {
  const home = await tempDir();
  const config = loadConfig({ HOME: home, WHET_HOME: home, HF_HOME: join(home, "hf"), HF_ENDPOINT: hub.url, ...(token ? { HF_TOKEN: token } : {}) });
  return { config, fetch, signal: new AbortController().signal, now: Date.now };
}

async function push(hub: HubFixture, input: Omit<PushInput, "repo"> & { repo?: string }, token: string | null = WRITE) {
  const progress: PushProgress[] = [];
  const result: PushResult = await runToEnd(pushOperation, { repo: "acme/tiny", ...input }, await deps(hub, token), (p) => progress.push(p));
  return { result, progress };
}

async function head(hub: HubFixture, repo = "acme/tiny", revision = "main"): Promise<string> {
  return (await modelInfo({ name: repo, hubUrl: hub.url, accessToken: WRITE, revision, additionalFields: ["sha"] })).sha;
}

const writes = (hub: HubFixture) => hub.requests.filter((r) => r.method === "PUT" || /\/(commit|preupload|repos\/create)\b|objects\/batch/.test(r.path));
const without = (digests: Record<string, string>, paths: readonly string[]) => Object.fromEntries(Object.entries(digests).filter(([p]) => !paths.includes(p)));

describe("push operation", () => {
  it("publishes a workspace as one private commit that Python downloads byte for byte, and a second push changes nothing", async () => {
    const hub = await serve();
    const workspace = await makePushWorkspace(await tempDir(), { seed: 31 });
    const { result, progress } = await push(hub, { workspace, create: true });

    const commit = await head(hub);
    const pushed = without(await folderSha256(workspace), LOCAL_ONLY);
    expect(result).toMatchObject({
      repo_id: "acme/tiny",
      created_repo: true,
      private: true,
      no_changes: false,
      commit_sha: commit,
      uploaded_files_count: Object.keys(pushed).length,
      change_summary: { added: Object.keys(pushed).length, modified: 0, deleted: 0 },
      repo_url: `${hub.url}/acme/tiny`,
      health: { healthy: true, forced: false, would_refuse: false },
      sentinel_updated: true,
    });
    expect(result.bytes_uploaded).toBe(result.total_bytes);
    expect(result.excluded_files.map((e) => e.path).sort()).toEqual([".DS_Store", ".hfignore", ".mlxk_workspace.json", "drafts/", "notes.md~"]);
    expect(result.changes.find((c) => c.path === "data/big.dat")).toMatchObject({ change: "added", lfs: true, upload_bytes: 11 * 1024 * 1024 });
    expect(result.changes.find((c) => c.path === "config.json")).toMatchObject({ lfs: false });
    // The weights and the 11 MB file went through LFS, one PUT each; the rest rode in the commit.
    expect(hub.requests.filter((r) => r.method === "PUT")).toHaveLength(3);
    expect(hub.requests.filter((r) => r.path.includes("/commit/"))).toHaveLength(1);

    const uploading = progress.filter((p) => p.phase === "uploading");
    expect(uploading.at(-1)).toMatchObject({ unit: "bytes", total: result.bytes_to_upload });
    const last = progress.at(-1) as PushProgress;
    expect(last.phase).toBe("done");
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(["checking", "comparing", "hashing", "uploading", "committing", "done"]));
    expect(uploading.at(-1)?.files.find((f) => f.path === "data/big.dat")).toMatchObject({ done: 11 * 1024 * 1024, state: "done", lfs: true });

    const sentinel = await readSentinel(workspace);
    expect(sentinel).toMatchObject({ pushed_to: "acme/tiny", pushed_branch: "main", pushed_commit: commit, source_repo: "acme/source" });

    const snapshot = await runHubClient(hub.url, await tempDir(), ["snapshot-download", "--repo", "acme/tiny", "--revision", "main"], WRITE);
    const downloaded = await folderSha256(String(snapshot.path));
    expect(without(downloaded, [".gitattributes"])).toEqual(pushed);
    expect(downloaded[".gitattributes"]).toBeDefined();

    const before = hub.requests.length;
    const again = await push(hub, { workspace });
    expect(again.result).toMatchObject({ no_changes: true, commit_sha: null, uploaded_files_count: 0, bytes_uploaded: 0, change_summary: { added: 0, modified: 0, deleted: 0 } });
    const second = hub.requests.slice(before);
    expect(second.filter((r) => r.method === "PUT" || r.path.includes("/commit/"))).toEqual([]);
    expect(await head(hub)).toBe(commit);
  });

  it("a dry run after one edit and one new file lists exactly one modified and one added, with the bytes a push would send, and changes nothing", async () => {
    const hub = await serve();
    const workspace = await makePushWorkspace(await tempDir(), { seed: 32 });
    await push(hub, { workspace, create: true });
    const commit = await head(hub);

    await appendFile(join(workspace, "docs", "usage.md"), "Second line.\n");
    const extra = 10 * 1024 * 1024 + 1;
    await writeFile(join(workspace, "data", "extra.dat"), Buffer.alloc(extra, 7));
    const before = writes(hub).length;
    const { result } = await push(hub, { workspace, dryRun: true });
    expect(result).toMatchObject({
      dry_run: true,
      no_changes: false,
      commit_sha: null,
      added_files: ["data/extra.dat"],
      modified_files: ["docs/usage.md"],
      deleted_files: [],
      dry_run_summary: { added: 1, modified: 1, deleted: 0 },
      message: "Dry-run: +1 ~1 -0.",
    });
    const usage = (await readFile(join(workspace, "docs", "usage.md"))).length;
    expect(result.changes).toEqual([
      { path: "data/extra.dat", change: "added", size: extra, lfs: true, upload_bytes: extra },
      { path: "docs/usage.md", change: "modified", size: usage, lfs: false, upload_bytes: usage },
    ]);
    expect(result.bytes_to_upload).toBe(extra + usage);
    // Only questions were asked (preupload, LFS batch): nothing was sent or committed.
    expect(writes(hub).slice(before).map((r) => r.method === "PUT" || r.path.includes("/commit/"))).not.toContain(true);
    expect(await head(hub)).toBe(commit);

    // Pushed for real, then a deletion shows as one, and the repo's .gitattributes is kept.
    const pushed = await push(hub, { workspace });
    expect(pushed.result.change_summary).toEqual({ added: 1, modified: 1, deleted: 0 });
    await rm(join(workspace, "docs", "usage.md"));
    const third = await push(hub, { workspace, dryRun: true });
    expect(third.result).toMatchObject({ added_files: [], modified_files: [], deleted_files: ["docs/usage.md"] });
    const final = await push(hub, { workspace });
    const files = [];
    for await (const f of listFiles({ repo: "acme/tiny", hubUrl: hub.url, accessToken: WRITE, recursive: true })) if (f.type === "file") files.push(f.path);
    expect(files).toContain(".gitattributes");
    expect(files).not.toContain("docs/usage.md");
    expect(final.result.commit_sha).toBe(await head(hub));
  });

  it("pushes to a new branch without touching main", async () => {
    const hub = await serve();
    const workspace = await makePushWorkspace(await tempDir(), { seed: 33 });
    await push(hub, { workspace, create: true });
    const main = await head(hub);
    await writeFile(join(workspace, "docs", "usage.md"), "changed on dev\n");
    await expect(push(hub, { workspace, branch: "dev" })).rejects.toMatchObject({ code: "branch_not_found" });
    const dry = await push(hub, { workspace, branch: "dev", dryRun: true });
    expect(dry.result).toMatchObject({ would_create_branch: true, modified_files: ["docs/usage.md"], added_files: [] });
    const { result } = await push(hub, { workspace, branch: "dev", create: true, message: "Try the new notes" });
    expect(result).toMatchObject({ created_branch: true, branch: "dev", change_summary: { added: 0, modified: 1, deleted: 0 } });
    expect(await head(hub, "acme/tiny", "dev")).toBe(result.commit_sha);
    expect(await head(hub)).toBe(main);
  });

  it("refuses a workspace with a finding that blocks loading, before any request, unless forced, and the forced commit says so", async () => {
    const hub = await serve();
    const workspace = await tempDir();
    await makeModel({ dir: workspace, shards: 3, seed: 34, defects: ["index-missing-shards"] });

    const refused = push(hub, { workspace, create: true });
    await expect(refused).rejects.toBeInstanceOf(WhetError);
    await expect(refused).rejects.toMatchObject({ code: "workspace_unhealthy", details: { findings: [expect.objectContaining({ id: "index-shard-mismatch" })] } });
    expect(hub.requests).toEqual([]);

    const dry = await push(hub, { workspace, create: true, dryRun: true });
    expect(dry.result).toMatchObject({ would_create_repo: true, health: { healthy: false, would_refuse: true, forced: false } });
    expect(dry.result.health.blocking.map((f) => f.id)).toContain("index-shard-mismatch");

    const forced = await push(hub, { workspace, create: true, force: true, message: "Broken on purpose" });
    expect(forced.result).toMatchObject({ health: { forced: true }, message: expect.stringContaining("Forced past the health check") });
    const entries = [];
    for await (const f of listFiles({ repo: "acme/tiny", hubUrl: hub.url, accessToken: WRITE, expand: true })) entries.push(f);
    expect(entries.find((f) => f.path === "config.json")?.lastCommit?.title).toContain("Broken on purpose [forced past the health check]");
  });

  it("fails clearly, before uploading anything, without a token or write access", async () => {
    const hub = await serve();
    const workspace = await makePushWorkspace(await tempDir(), { seed: 35 });
    await expect(push(hub, { workspace, create: true }, null)).rejects.toMatchObject({ code: "push_needs_token" });
    expect(hub.requests).toEqual([]);

    await push(hub, { workspace, create: true });
    const owned = await head(hub);
    await writeFile(join(workspace, "docs", "usage.md"), "an edit a reader cannot push\n");
    const before = hub.requests.length;
    await expect(push(hub, { workspace }, READ)).rejects.toMatchObject({ code: "push_forbidden", message: expect.stringContaining("cannot write to acme/tiny") });
    await expect(push(hub, { workspace, repo: "someone-else/model", create: true })).rejects.toMatchObject({ code: "push_forbidden" });
    expect(hub.requests.slice(before).filter((r) => r.method === "PUT" || r.path.includes("/commit/") || r.path.includes("objects/batch"))).toEqual([]);
    expect(await head(hub)).toBe(owned);
    await expect(push(hub, { workspace, repo: "acme/missing" })).rejects.toMatchObject({ code: "repo_not_found" });
  });

  it("checks only, without the network", async () => {
    const hub = await serve();
    const workspace = await makePushWorkspace(await tempDir(), { seed: 36 });
    const { result } = await push(hub, { workspace, checkOnly: true }, null);
    const pushable = Object.keys(without(await folderSha256(workspace), LOCAL_ONLY)).length;
    expect(result).toMatchObject({ check_only: true, health: { healthy: true }, message: "Check-only: no upload performed.", local_files_count: pushable });
    expect(hub.requests).toEqual([]);
  });
});
