import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { makeModel } from "../factory/make-model";
import { defaultModelsDir, SMOLLM2 } from "../smollm2/prepare-smollm2";
import { useTempDirs } from "../testing/temp-dir";
import { hostProber, type ProbeHost } from "./host-probe";
import { parseHostfile } from "./hostfile";
import { checkPlan } from "./plan-check";

const tempDir = useTempDirs();
const config = loadConfig();
const smollm2 = join(defaultModelsDir(config), SMOLLM2.name);

describe("plan check before launching a group", () => {
  it("refuses 2 tensor-parallel ranks of SmolLM2 naming its 9 heads and 3 key/value heads, and plans 3", async () => {
    const refused = checkPlan({ modelPath: smollm2, name: "SmolLM2", request: { ranks: 2 }, config });
    await expect(refused).rejects.toMatchObject({
      code: "tensor_parallel_heads",
      message: "SmolLM2 has 9 attention heads and 3 key/value heads: tensor parallel needs them divisible by the number of ranks, and 2 does not divide them",
      // llama has no pipeline() in mlx-lm, so there is no fallback to offer; 3 is the count that fits.
      hint: expect.stringMatching(/^Use 3 ranks; llama models have no pipeline mode in mlx-lm/),
    });
    await expect(checkPlan({ modelPath: smollm2, name: "SmolLM2", request: { ranks: 2, mode: "pipeline" }, config })).rejects.toMatchObject({ code: "pipeline_unsupported" });

    const plan = await checkPlan({ modelPath: smollm2, name: "SmolLM2", request: { ranks: 3 }, config });
    expect(plan).toMatchObject({ mode: "tensor", ranks: 3, local: true, heads: { attention: 9, keyValue: 3 }, versions: { mlxLm: "0.32.2" } });
    // 269 MB of bf16 weights; the 49,152 x 576 embedding (tied) stays whole on every rank.
    expect(plan.memory.unshardedBytes).toBe(49_152 * 576 * 2);
    expect(plan.memory.perRankBytes).toBeLessThan(plan.memory.weightsBytes / 3 + plan.memory.unshardedBytes + 600 * 1024 ** 2);
    expect(plan.memory.hosts).toEqual([expect.objectContaining({ host: "127.0.0.1", ranks: [0, 1, 2], needBytes: plan.memory.perRankBytes * 3 })]);
  });

  it("refuses a group that does not fit the machine's memory, and bounds config numbers before using them", async () => {
    const dir = join(await tempDir(), "tiny");
    await makeModel({ dir, seed: 4 });
    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { ranks: 2 }, config, deps: { totalMemory: () => 512 * 1024 ** 2 } })).rejects.toMatchObject({
      code: "memory_insufficient",
      message: expect.stringMatching(/^127\.0\.0\.1 would hold 2 rank\(s\) of tiny needing 0\.\d\d GiB .* more than the 0\.38 GiB it can give$/),
    });
    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { ranks: 1 }, config })).rejects.toMatchObject({ code: "ranks_invalid" });

    const hostile = JSON.parse(await (await import("node:fs/promises")).readFile(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(dir, "config.json"), JSON.stringify({ ...hostile, num_attention_heads: 1e12 }));
    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { ranks: 2 }, config })).rejects.toMatchObject({ code: "config_number_invalid" });
  });

  it("asks only the hosts a hostfile names, and refuses different versions or a missing model there", async () => {
    const dir = join(await tempDir(), "tiny");
    await makeModel({ dir, seed: 5 });
    const real = hostProber(config);
    const here = await real({ ssh: "127.0.0.1", ips: [] }, dir);
    if (!here.ok) throw new Error(here.reason);
    // This machine's real answer, asked once; the other machine answers through this stand-in for ssh: nothing leaves this machine.
    const asked: string[] = [];
    const remote = (answer: Partial<typeof here.probe>): ProbeHost => async (host) => {
      if (host.ssh === "127.0.0.1") return here;
      asked.push(host.ssh);
      return { ok: true, probe: { ...here.probe, ...answer } };
    };
    const hostfile = parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: ["127.0.0.1"] }, { ssh: "studio-2", ips: ["127.0.0.1"] }]));

    const plan = await checkPlan({ modelPath: dir, name: "tiny", request: { hostfile }, config, deps: { probeHost: remote({ memory_bytes: 64 * 1024 ** 3 }) } });
    expect(plan).toMatchObject({ ranks: 2, local: false, mode: "tensor" });
    expect(plan.memory.hosts.map((h) => [h.host, h.ranks, h.totalBytes])).toEqual([
      ["127.0.0.1", [0], expect.any(Number)],
      ["studio-2", [1], 64 * 1024 ** 3],
    ]);
    expect(asked).toEqual(["studio-2"]);

    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { hostfile }, config, deps: { probeHost: remote({ mlx_lm: "0.31.0" }) } })).rejects.toMatchObject({
      code: "host_versions_differ",
      message: `studio-2 has Python ${here.probe.python}, mlx ${here.probe.mlx}, mlx-lm 0.31.0; this machine has Python ${here.probe.python}, mlx ${here.probe.mlx}, mlx-lm ${here.probe.mlx_lm}`,
    });
    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { hostfile }, config, deps: { probeHost: remote({ model_present: false }) } })).rejects.toMatchObject({ code: "model_missing_on_host" });
    const unreachable: ProbeHost = async (host) => (host.ssh === "127.0.0.1" ? here : { ok: false, reason: "Connection timed out" });
    await expect(checkPlan({ modelPath: dir, name: "tiny", request: { hostfile }, config, deps: { probeHost: unreachable } })).rejects.toMatchObject({
      code: "host_unreachable",
      message: "studio-2 did not answer: Connection timed out",
    });
  });
});

describe("hostfiles", () => {
  it("reads mlx.launch's list and mlx.distributed_config's object, and refuses what the ring backend cannot use", () => {
    const fromConfig = parseHostfile(
      JSON.stringify({
        backend: "jaccl",
        envs: ["MLX_METAL_FAST_SYNCH=1"],
        hosts: [
          { ssh: "127.0.0.1", ips: ["192.168.1.10"], rdma: [null, "rdma_en2"] },
          { ssh: "mac-2.local", ips: ["192.168.1.11"], rdma: ["rdma_en2", null] },
        ],
      }),
    );
    expect(fromConfig).toEqual({ envs: ["MLX_METAL_FAST_SYNCH=1"], hosts: [{ ssh: "127.0.0.1", ips: ["192.168.1.10"] }, { ssh: "mac-2.local", ips: ["192.168.1.11"] }] });

    expect(() => parseHostfile(JSON.stringify([{ ssh: "mac-2.local", ips: ["192.168.1.11"] }, { ssh: "127.0.0.1", ips: ["127.0.0.1"] }]))).toThrow(expect.objectContaining({ code: "hostfile_rank0_remote" }));
    expect(() => parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: [] }]))).toThrow(expect.objectContaining({ code: "hostfile_invalid", message: expect.stringContaining("has no ips") }));
    expect(() => parseHostfile(JSON.stringify([{ ssh: "127.0.0.1; rm -rf ~", ips: ["127.0.0.1"] }]))).toThrow(expect.objectContaining({ code: "hostfile_invalid" }));
    expect(() => parseHostfile(JSON.stringify([{ ssh: "127.0.0.1", ips: ["not-an-ip"] }]))).toThrow(expect.objectContaining({ code: "hostfile_invalid" }));
    expect(() => parseHostfile("{ hosts: ")).toThrow(expect.objectContaining({ code: "hostfile_invalid", message: expect.not.stringContaining("hosts:") }));
  });
});
