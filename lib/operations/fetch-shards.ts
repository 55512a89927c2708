import { z } from "zod";
import { cleanPartials } from "../cache/clean-partials";
import { fetchRankShards, rankTargetSchema, type FetchShardsProgress, type RankShards } from "../distributed/fetch-rank-shards";
import { MAX_HOSTS } from "../distributed/hostfile";
import { parseRepoSpec } from "../hub/repo-spec";
import { defineOperation, type OperationDeps } from "./operation";
import { progressStream } from "./progress-stream";

export type { FetchShardsProgress } from "../distributed/fetch-rank-shards";

export const fetchShardsInput = z.object({
  /** `org/name[@revision]` */
  repo: z.string().min(3).max(300),
  /** One per rank, rank 0 (this machine) first. */
  targets: z.array(rankTargetSchema).min(2).max(MAX_HOSTS),
});

export type FetchShardsInput = z.infer<typeof fetchShardsInput>;

export interface FetchShardsResult extends RankShards {
  repoId: string;
  /** What the group was fetched for, as given (a runner is started from it). */
  repo: string;
  /** As in the input: a later start checks that it places the ranks where they were fetched. */
  targets: FetchShardsInput["targets"];
}

/**
 * `--fetch-shards` and the Cluster page's fetch: each rank of a pipeline
 * group gets the model's metadata and only its stage's shards (see
 * fetchRankShards). Paused or interrupted, what each rank already has stays
 * in its cache and a rerun continues from it, as a pull does.
 */
export const fetchShardsOperation = defineOperation({
  kind: "fetch-shards",
  queue: "downloads",
  resumable: true,
  input: fetchShardsInput,
  title: (input: FetchShardsInput) => `Fetch ${input.repo}'s shards for ${input.targets.length} ranks`,
  key: (input: FetchShardsInput) => `fetch-shards:${input.repo}:${JSON.stringify(input.targets)}`,
  // Only this machine's caches are reachable here; another host's huggingface_hub keeps its own partials.
  async discard(input: FetchShardsInput) {
    const { repoId } = parseRepoSpec(input.repo);
    for (const cache of new Set(input.targets.flatMap((t) => ("hubCache" in t ? [t.hubCache] : [])))) await cleanPartials(cache, repoId);
  },
  run(input: FetchShardsInput, deps: OperationDeps): AsyncGenerator<FetchShardsProgress, FetchShardsResult> {
    return progressStream(async (report) => {
      const fetched = await fetchRankShards({ repo: input.repo, targets: input.targets, deps, onProgress: report });
      return { ...fetched, repoId: parseRepoSpec(input.repo).repoId, repo: input.repo, targets: input.targets };
    });
  },
});
