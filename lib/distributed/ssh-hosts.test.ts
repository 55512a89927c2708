import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { generationParamsSchema } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { startLoopbackSshd } from "../testing/loopback-sshd";
import { operationDeps } from "../testing/operation-deps";
import { shard, shardedQwen2 } from "../testing/sharded-qwen2";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { fetchRankShards } from "./fetch-rank-shards";
import { parseHostfile } from "./hostfile";
import { checkPlan } from "./plan-check";
import { processStats } from "./process-stats";

const tempDir = useTempDirs();
const config = loadConfig();

async function text(runner: ModelRunner): Promise<string> {
  let out = "";
  for await (const event of runner.generate({ prompt: "Once upon a time" }, generationParamsSchema.parse({ maxTokens: 12, temperature: 0, repetitionPenalty: null }))) {
    if (event.type === "delta") out += event.text;
  }
  return out;
}

/** Every live process whose parent is `pid`. */
async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await execa("ps", ["-A", "-o", "pid=,ppid=,stat="]);
  return stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, ppid, stat]) => Number(ppid) === pid && !stat?.startsWith("Z"))
    .map(([child]) => Number(child));
}

// Linux gives the whole of 127.0.0.0/8 to loopback, so 127.0.0.2 stands for a second machine;
// it runs its own sshd, and mlx.launch reaches it with plain `ssh 127.0.0.2` as it would a real host.
/** The second host's sshd, and `ssh` on PATH reaching it, for this test. */
async function secondHost(root: string, env?: Record<string, string>) {
  const sshd = await startLoopbackSshd(root, { ...(env ? { env } : {}) });
  const path = process.env.PATH;
  process.env.PATH = sshd.path;
  onTestFinished(async () => {
    process.env.PATH = path;
    await sshd.close();
  });
  return sshd;
}

describe("a group across two hosts of a hostfile, the second reached over ssh", () => {
  it("checks the host over ssh, launches a rank there, answers, and stops leaving nothing on either host", { timeout: 60_000 }, async () => {
    const root = await tempDir();
    const sshd = await secondHost(root);
    const modelPath = join(root, "tiny");
    await makeModel({ dir: modelPath, seed: 7 });

    // A host nobody answers on is refused before anything starts, with the fix.
    const silent = parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: "127.0.0.3", ips: ["127.0.0.3"] }]));
    await expect(checkPlan({ modelPath, name: "tiny", request: { hostfile: silent }, config })).rejects.toMatchObject({
      code: "host_unreachable",
      hint: expect.stringContaining("ssh 127.0.0.3"),
    });

    const hostfile = parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: sshd.host, ips: [sshd.host] }]));
    const plan = await checkPlan({ modelPath, name: "tiny", request: { hostfile }, config });
    // The versions and the model were asked of 127.0.0.2 through its sshd.
    expect(sshd.logins()).toBe(1);
    expect(plan).toMatchObject({ local: false, ranks: 2, mode: "tensor" });

    const group = createDistributedRunner({ name: "tiny", modelPath, config, plan });
    onTestFinished(() => group.stop());
    const out = await text(group);
    expect(out.length).toBeGreaterThan(0);
    expect(group.status().group).toMatchObject({ hosts: ["127.0.0.1", sshd.host], ranks: 2 });
    const { pid: launcher, group: started } = group.status();
    const rank1 = started?.members?.[1]?.pid as number;
    // Rank 1 runs under that host's sshd, outside the launcher's process group: ssh started it, not a fork.
    expect(sshd.logins()).toBe(2);
    const [rank1Stats] = await processStats({ pids: [rank1] });
    expect(rank1Stats?.pgid).not.toBe(launcher);
    expect(await childrenOf(sshd.pid)).toHaveLength(1);

    // The same answer as the same split on one machine.
    const local = createDistributedRunner({ name: "tiny", modelPath, config, plan: await checkPlan({ modelPath, name: "tiny", request: { ranks: 2 }, config }) });
    onTestFinished(() => local.stop());
    expect(await text(local)).toBe(out);
    await local.stop();

    await group.stop();
    expect(await processStats({ pgid: launcher as number })).toEqual([]);
    expect(await processStats({ pids: [rank1] })).toEqual([]);
    await expect.poll(() => childrenOf(sshd.pid), { timeout: 5_000 }).toEqual([]);
  });

  it("fetches the second host only its stage's shards, into its own cache, and the pipeline answers as one process", { timeout: 60_000 }, async () => {
    const root = await tempDir();
    const remoteCache = join(root, "host2", "hub");
    const sshd = await secondHost(root, { HF_HUB_CACHE: remoteCache });
    const source = await shardedQwen2(root);
    const hub = await startHubFixture({ repos: [{ id: "acme/piped", revisions: [{ dir: source }] }] });
    onTestFinished(() => hub.close());
    const localCache = join(root, "host1", "hub");

    const fetched = await fetchRankShards({ repo: "acme/piped", targets: [{ hubCache: localCache }, { ssh: sshd.host }], deps: operationDeps({ hubUrl: hub.url, hubCache: localCache }) });
    expect(fetched.modelPaths[1]?.startsWith(remoteCache)).toBe(true);
    for (const [rank, path] of fetched.modelPaths.entries()) {
      expect((await readdir(path)).filter((f) => f.endsWith(".safetensors")).sort()).toEqual(fetched.shards[rank]);
    }
    expect(fetched.shards[1]).toEqual([shard(1), shard(2), shard(4)]);
    // The second host's huggingface_hub asked for its three shards only; this machine for its own three.
    const gets = (file: string) => hub.requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/") && r.path.endsWith(`/${file}`)).length;
    expect([1, 2, 3, 4].map((n) => gets(shard(n)))).toEqual([1, 2, 1, 2]);

    const single = createModelRunner({ name: "piped", modelPath: source, config });
    onTestFinished(() => single.stop());
    const alone = await text(single);
    await single.stop();

    const hostfile = parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: sshd.host, ips: [sshd.host] }]));
    const plan = await checkPlan({ modelPath: fetched.modelPaths[0] as string, name: "piped", request: { hostfile, rankModelPaths: fetched.modelPaths }, config });
    expect(plan).toMatchObject({ mode: "pipeline", local: false });
    const group = createDistributedRunner({ name: "piped", modelPath: fetched.modelPaths[0] as string, config, plan });
    onTestFinished(() => group.stop());
    expect(await text(group)).toBe(alone);
    const launcher = group.status().pid as number;
    await group.stop();
    expect(await processStats({ pgid: launcher })).toEqual([]);
    await expect.poll(() => childrenOf(sshd.pid), { timeout: 5_000 }).toEqual([]);
  });
});
