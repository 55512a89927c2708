import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { listFiles } from "@huggingface/hub";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../lib/factory/make-model";
import { startHubFixture, type HubFixture } from "../lib/hub-fixture/start-hub-fixture";
import { useTempDirs } from "../lib/testing/temp-dir";
import { newSentinel, writeSentinel } from "../lib/workspace/sentinel";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";

const tempDir = useTempDirs();
const WRITE = "hf_cliwritetoken0123456789";
const WHET = join(process.cwd(), "bin", "whet.mjs");
const BIG = 10 * 1024 * 1024 + 4096;

async function workspace(): Promise<string> {
  const dir = await tempDir();
  await makeModel({ dir, shards: 2, seed: 41 });
  await writeSentinel(dir, newSentinel({ operation: "clone", sourceRepo: "acme/source", sourceRevision: "main" }));
  await mkdir(join(dir, "data"), { recursive: true });
  // Over 10 MB: the Hub takes them through LFS whatever their name.
  await writeFile(join(dir, "data", "a.dat"), randomBytes(BIG));
  await writeFile(join(dir, "data", "b.dat"), randomBytes(BIG));
  return dir;
}

async function env(hub: HubFixture): Promise<Record<string, string>> {
  const home = await tempDir();
  return { HF_ENDPOINT: hub.url, HF_TOKEN: WRITE, WHET_HOME: join(home, "whet"), HF_HOME: join(home, "hf"), HF_HUB_CACHE: "" };
}

async function serve(options: { dataDir: string; uploadBandwidth?: number }): Promise<HubFixture> {
  const hub = await startHubFixture({ writeTokens: [WRITE], user: { orgs: ["acme"] }, ...options });
  onTestFinished(() => hub.close());
  return hub;
}

const sha256 = async (path: string) => createHash("sha256").update(await readFile(path)).digest("hex");
const storedOid = (path: string) => path.match(/^\/lfs-storage\/acme\/tiny\/([0-9a-f]{64})/)?.[1];

describe("whet push", () => {
  it("killed during a large upload, leaves the repo as it was; run again, sends none of the large files already stored", async () => {
    const dir = await workspace();
    const dataDir = await tempDir();
    // Uploads share 4 MB/s, so the small shards are stored while the 10 MB files are still on their way.
    const slow = await serve({ dataDir, uploadBandwidth: 4_000_000 });
    const child = spawn(process.execPath, [WHET, "push", dir, "acme/tiny", "--create", "--json"], {
      env: { ...process.env, ...(await env(slow)) },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    const firstStored = async () => {
      for (;;) {
        const stored = slow.requests.find((r) => r.method === "PUT" && r.status === 200);
        if (stored) return stored;
        if (child.exitCode !== null) throw new Error("whet push ended before it stored anything");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await firstStored();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const before = [];
    for await (const f of listFiles({ repo: "acme/tiny", hubUrl: slow.url, accessToken: WRITE, recursive: true })) before.push(f.path);
    expect(before).toEqual([".gitattributes"]);
    await slow.close();
    const puts = slow.requests.filter((r) => r.method === "PUT");
    const done = puts.filter((r) => r.status === 200).map((r) => storedOid(r.path) as string);
    // What the hub holds is what it finished storing, answered or not when the kill came.
    const stored = (await readdir(join(dataDir, "objects"))).filter((name) => /^[0-9a-f]{64}$/.test(name));
    const shards = await shardOids(dir);
    const bigOids = [await sha256(join(dir, "data", "a.dat")), await sha256(join(dir, "data", "b.dat"))];
    expect(done.length).toBeGreaterThan(0);
    expect(stored).toEqual(expect.arrayContaining(done));
    // The big files were on their way when the kill came, and neither had arrived.
    expect(puts.map((r) => storedOid(r.path))).toEqual(expect.arrayContaining(bigOids));
    expect(stored.filter((oid) => bigOids.includes(oid))).toEqual([]);

    // The same hub (same storage) restarted at full speed; the rerun asks the LFS batch API, which says what is stored.
    const hub = await serve({ dataDir });
    const rerun = await execa(process.execPath, [WHET, "push", dir, "acme/tiny", "--json"], { env: await env(hub), reject: false });
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    const result = (JSON.parse(rerun.stdout) as { data: { commit_sha: string; changes: { path: string; lfs: boolean; upload_bytes: number }[] } }).data;
    const resent = hub.requests.filter((r) => r.method === "PUT").map((r) => storedOid(r.path));
    expect(resent.sort()).toEqual([...bigOids, ...shards].filter((oid) => !stored.includes(oid)).sort());
    const skipped = result.changes.filter((c) => c.lfs && c.upload_bytes === 0);
    expect(skipped).toHaveLength(shards.filter((oid) => stored.includes(oid)).length);

    const after = new Map<string, string | undefined>();
    for await (const f of listFiles({ repo: "acme/tiny", hubUrl: hub.url, accessToken: WRITE, recursive: true })) after.set(f.path, f.lfs?.oid);
    expect(after.get("data/a.dat")).toBe(bigOids[0]);
    expect(after.get("data/b.dat")).toBe(bigOids[1]);
  });

  it("prints the diff for people, and refuses contradictory flags as usage errors", async () => {
    const dir = await workspace();
    const hub = await serve({ dataDir: await tempDir() });
    const vars = await env(hub);
    const dry = await execa(process.execPath, [WHET, "push", dir, "acme/tiny", "--dry-run"], { env: vars, reject: false });
    expect(dry.exitCode, dry.stderr).toBe(0);
    const lines = dry.stdout.split("\n");
    expect(lines[0]).toMatch(/^push: acme\/tiny@main — dry-run: \+\d+ ~0 -0, would send [\d.]+MB \(would create the repo, private unless --public\)$/);
    expect(lines).toContain("  + data/a.dat  10.5MB");
    expect(dry.stdout).toContain("not pushed: .mlxk_workspace.json");

    const both = await execa(process.execPath, [WHET, "push", dir, "acme/tiny", "--private", "--public"], { env: vars, reject: false });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain("Choose --private or --public, not both");
    const badName = await execa(process.execPath, [WHET, "push", dir, "not a repo", "--json"], { env: vars, reject: false });
    expect(badName.exitCode).toBe(2);
  });
});

async function shardOids(dir: string): Promise<string[]> {
  return Promise.all(["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"].map((name) => sha256(join(dir, name))));
}
