import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processStats } from "../../lib/distributed/process-stats";
import { makeModel } from "../../lib/factory/make-model";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);

describe("cluster router", () => {
  it("keeps a hostfile typed or imported from mlx.distributed_config, and checks its hosts", async () => {
    const { call } = await testServices();
    expect(await call.cluster.overview()).toMatchObject({ hostfile: null, groups: [], thisHost: { totalBytes: expect.any(Number) } });

    // mlx.distributed_config's output: JACCL's rdma lists are dropped, the ring backend is what is kept.
    const imported = {
      backend: "jaccl",
      envs: [],
      hosts: [
        { ssh: "127.0.0.1", ips: ["127.0.0.1"], rdma: [null, "rdma_en3"] },
        { ssh: "127.0.0.1", ips: ["127.0.0.1"], rdma: ["rdma_en3", null] },
      ],
    };
    expect(await call.cluster.saveHostfile({ text: JSON.stringify(imported) })).toEqual({ hosts: [{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: "127.0.0.1", ips: ["127.0.0.1"] }] });
    const saved = (await call.cluster.overview()).hostfile;
    expect(JSON.parse(saved?.text ?? "")).toEqual({ backend: "ring", envs: [], hosts: [{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: "127.0.0.1", ips: ["127.0.0.1"] }] });
    await expect(call.cluster.saveHostfile({ text: '[{"ssh": "127.0.0.1"}]' })).rejects.toMatchObject({ message: expect.stringContaining("has no ips") });

    const hosts = await call.cluster.checkHosts();
    expect(hosts).toEqual([expect.objectContaining({ host: "127.0.0.1", reachable: true, matchesThisHost: true, whetstonePresent: true, memoryBytes: expect.any(Number) })]);
    await call.cluster.clearHostfile();
    expect((await call.cluster.overview()).hostfile).toBeNull();
  });

  it("starts a model on local ranks with each rank's memory shown, refuses a split that does not fit, and stops it whole", async () => {
    const { call, config } = await testServices();
    await makeModel({ dir: join(config.workspaceRoot, "talker"), seed: 52 });

    await expect(call.cluster.start({ model: "talker", placement: { ranks: 3 } })).rejects.toMatchObject({ message: expect.stringContaining("4 attention heads and 2 key/value heads") });
    const started = await call.cluster.start({ model: "talker", placement: { ranks: 2 } });
    expect(started.group).toMatchObject({ ranks: 2, mode: "tensor" });

    await expect.poll(async () => (await call.cluster.overview()).groups[0]?.state, { timeout: 60_000, interval: 250 }).toBe("ready");
    const { groups } = await call.cluster.overview();
    expect(groups).toHaveLength(1);
    const group = groups[0] as (typeof groups)[0];
    expect(group).toMatchObject({ model: "talker", mode: "tensor", restarts: 0 });
    expect(group.ranks.map((r) => [r.rank, r.host])).toEqual([
      [0, "127.0.0.1"],
      [1, "127.0.0.1"],
    ]);
    // Each rank is a Python process with MLX and the weights: tens of megabytes at least, and the plan did not underestimate it.
    for (const rank of group.ranks) {
      expect(rank.rssBytes).toBeGreaterThan(20 * 1024 ** 2);
      expect(rank.rssBytes).toBeLessThan(group.plannedBytesPerRank);
    }

    expect(await call.cluster.stop({ model: "talker" })).toEqual({ stopped: true });
    expect((await call.cluster.overview()).groups).toEqual([]);
    expect(await processStats({ pids: group.ranks.map((r) => r.pid as number) })).toEqual([]);
  });
});
