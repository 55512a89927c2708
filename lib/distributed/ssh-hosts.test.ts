import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { startHubFixture } from "../hub-fixture/start-hub-fixture";
import { generationParamsSchema } from "../runner/generation-params";
import { createModelRunner, type ModelRunner } from "../runner/model-runner";
import { startLoopbackSshd } from "../testing/loopback-sshd";
import { shard, shardedQwen2 } from "../testing/sharded-qwen2";
import { useTempDirs } from "../testing/temp-dir";
import { createDistributedRunner } from "./distributed-runner";
import { parseHostfile } from "./hostfile";
import { checkPlan } from "./plan-check";
import { processStats } from "./process-stats";

const tempDir = useTempDirs();
const config = loadConfig();

const PROMPT = "Once upon a time";

async function text(runner: ModelRunner): Promise<string> {
  let out = "";
  for await (const event of runner.generate({ prompt: PROMPT }, generationParamsSchema.parse({ maxTokens: 12, temperature: 0, repetitionPenalty: null }))) {
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
  it("checks the host over ssh, launches a rank there, answers, and stops leaving nothing on either host", async () => {
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

  it("whet run --hostfile --fetch-shards fetches the second host only its stage's shards, into its own cache, and answers as one process", async () => {
    const root = await tempDir();
    const remoteCache = join(root, "host2", "hub");
    const sshd = await secondHost(root, { HF_HUB_CACHE: remoteCache });
    const source = await shardedQwen2(root);
    const hub = await startHubFixture({ repos: [{ id: "acme/piped", revisions: [{ dir: source }] }] });
    onTestFinished(() => hub.close());
    const hostfile = join(root, "hosts.json");
    await writeFile(hostfile, JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: sshd.host, ips: [sshd.host] }]));

    const single = createModelRunner({ name: "piped", modelPath: source, config });
    onTestFinished(() => single.stop());
    const alone = await text(single);
    await single.stop();

    const env = { PATH: sshd.path, WHET_HOME: join(root, "home"), HF_HOME: join(root, "host1"), HF_HUB_CACHE: join(root, "host1", "hub"), HF_ENDPOINT: hub.url, HF_TOKEN: "" };
    const args = ["run", "acme/piped", "--no-chat-template", "--prompt", PROMPT, "--hostfile", hostfile, "--fetch-shards", "--max-tokens", "12", "--temperature", "0", "--repetition-penalty", "1", "--json"];
    const run = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), ...args], { env, cwd: root, reject: false });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: "success", data: { response: alone, distributed: { ranks: 2, mode: "pipeline", hosts: ["127.0.0.1", sshd.host] } } });

    // Each host's cache holds the shards of its own stage: the second host lacks layers 3-5's, this one layers 0-1's.
    const shardsIn = async (cache: string) => {
      const snapshots = join(cache, "models--acme--piped", "snapshots");
      const [commit] = await readdir(snapshots);
      return (await readdir(join(snapshots, commit as string))).filter((f) => f.endsWith(".safetensors")).sort();
    };
    expect(await shardsIn(remoteCache)).toEqual([shard(1), shard(2), shard(4)]);
    expect(await shardsIn(join(root, "host1", "hub"))).toEqual([shard(2), shard(3), shard(4)]);
    // The Hub was asked for each shard once per host that needs it: never for another stage's.
    const gets = (file: string) => hub.requests.filter((r) => r.method === "GET" && r.path.includes("/resolve/") && r.path.endsWith(`/${file}`)).length;
    expect([1, 2, 3, 4].map((n) => gets(shard(n)))).toEqual([1, 2, 1, 2]);
    await expect.poll(() => childrenOf(sshd.pid), { timeout: 5_000 }).toEqual([]);
  });
});
