import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { makeModel } from "../../lib/factory/make-model";
import { startHubFixture } from "../../lib/hub-fixture/start-hub-fixture";
import { shard, shardedQwen2 } from "../../lib/testing/sharded-qwen2";
import { useTempDirs } from "../../lib/testing/temp-dir";
import { useTeam } from "../testing/team-access";
import { useTestServices } from "../testing/test-services";

const tempDir = useTempDirs();
const testServices = useTestServices(tempDir);
const team = useTeam(tempDir);

const weights = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".safetensors")).sort();

describe("fetching each pipeline rank's shards as a job", () => {
  it("runs in the job runtime: each rank's cache gets only its shards, the job's result names them, and a start must match it", async () => {
    const root = await tempDir();
    const hub = await startHubFixture({ repos: [{ id: "acme/piped", revisions: [{ dir: await shardedQwen2(root) }] }] });
    onTestFinished(() => hub.close());
    const { services, call } = await testServices({ endpoint: hub.url });
    const caches = [join(root, "rank0", "hub"), join(root, "rank1", "hub")];

    const started = services.jobs.start("fetch-shards", { repo: "acme/piped", targets: caches.map((hubCache) => ({ hubCache })) });
    expect(started).toMatchObject({ kind: "fetch-shards", resumable: true, title: "Fetch acme/piped's shards for 2 ranks" });
    await services.jobs.idle();
    const job = services.jobs.get(started.id);
    if (job?.kind !== "fetch-shards" || !job.result) throw new Error(`the job ended ${job?.state}: ${job?.error?.message}`);
    expect(job.state).toBe("succeeded");
    expect(job.result.shards).toEqual([
      [shard(2), shard(3), shard(4)],
      [shard(1), shard(2), shard(4)],
    ]);
    for (const [rank, cache] of caches.entries()) {
      const path = job.result.modelPaths[rank] as string;
      expect(path.startsWith(join(cache, "models--acme--piped", "snapshots", job.result.commit))).toBe(true);
      expect(await weights(path)).toEqual(job.result.shards[rank]);
    }
    // The last snapshot has both ranks done, with their files and bytes.
    expect(job.progress?.ranks.map((r) => [r.rank, r.host, r.phase, r.filesDone === r.files, r.done === r.total && r.total > 0])).toEqual([
      [0, "this machine", "done", true, true],
      [1, "this machine", "done", true, true],
    ]);
    expect(job.progress?.done).toBe(job.progress?.total);

    // cluster.start loads a fetch's copies only for that model and those hosts.
    await expect(call.cluster.start({ model: "acme/other", placement: { ranks: 2 }, mode: "pipeline", fetchJob: job.id })).rejects.toMatchObject({
      message: "The shards were fetched for acme/piped, not acme/other",
      cause: { code: "fetched_other_model", details: { field: "model" } },
    });
    await expect(call.cluster.start({ model: "acme/piped", placement: { ranks: 2 }, mode: "pipeline", fetchJob: job.id })).rejects.toMatchObject({
      cause: { code: "fetched_other_hosts", details: { field: "placement" } },
    });
    await expect(call.cluster.start({ model: "acme/piped", placement: { ranks: 2 }, mode: "tensor", fetchJob: job.id })).rejects.toMatchObject({
      cause: { code: "fetched_needs_pipeline", details: { field: "mode" } },
    });
  });

  it("refuses a model mlx-lm cannot run as a pipeline after its metadata, before any shard is fetched", async () => {
    const root = await tempDir();
    await makeModel({ dir: join(root, "llama"), shards: 2, seed: 5 });
    const hub = await startHubFixture({ repos: [{ id: "acme/llama", revisions: [{ dir: join(root, "llama") }] }] });
    onTestFinished(() => hub.close());
    const { services } = await testServices({ endpoint: hub.url });
    const started = services.jobs.start("fetch-shards", { repo: "acme/llama", targets: ["rank0", "rank1"].map((r) => ({ hubCache: join(root, r, "hub") })) });
    await services.jobs.idle();
    expect(services.jobs.get(started.id)).toMatchObject({ state: "failed", error: { code: "pipeline_unsupported", message: expect.stringContaining("no pipeline mode") } });
    expect(hub.requests.filter((r) => r.path.includes(".safetensors") && !r.path.includes(".index.json"))).toEqual([]);
  });

    it("is started through operations.start by admins only: a member is refused, and the refusal is audited", async () => {
    const { as, services } = await team();
    const start = { kind: "fetch-shards" as const, repo: "acme/piped", placement: { ranks: 2 } };
    await expect(as("bob").operations.start(start)).rejects.toMatchObject({ code: "FORBIDDEN", message: "This needs the admin role, and bob is a member" });
    expect(services.jobs.list()).toEqual([]);
    expect(services.auth.audit.list().map((e) => [e.user, e.action, e.target, e.result])).toEqual([["bob", "fetch-shards", "acme/piped", "denied"]]);
  });
});
