import { WhetError } from "../errors";
import { parseRepoSpec } from "../hub/repo-spec";
import type { OperationDeps } from "../operations/operation";
import { pullOperation, type DownloadProgress } from "../operations/pull";
import { runToEnd } from "../operations/operation";
import { MAX_HOSTS } from "./hostfile";
import { exactPattern, pipelineShards, readPipelineLayout } from "./pipeline-shards";

/** Everything of a model but its weights, as mlx-lm's sharded_load fetches it before deciding which shards a rank needs. */
export const MODEL_METADATA_PATTERNS = ["*.json", "tokenizer.model", "*.tiktoken", "tiktoken.model", "*.txt", "*.jsonl", "*.jinja"];

export interface RankShards {
  commit: string;
  /** Each rank's snapshot folder, rank 0 first: the model's files, with only that rank's shards. */
  modelPaths: string[];
  /** The shard files each rank holds. */
  shards: string[][];
  /** Bytes each rank's fetch received over the network. */
  bytesFetched: number[];
}

/**
 * Fetches a model for a pipeline group, one HF cache per rank (this
 * machine's ranks may share one; each other host has its own), each with only
 * the shards its layers need: the model's metadata first, into rank 0's
 * cache, to read the layer count and the index; then, for every rank, the
 * metadata and its shards (the files of its layers and those holding the
 * embeddings, final norm and head), through the same pull as `whet pull
 * --include`, pinned to the commit rank 0 saw. The others' shards are never
 * requested.
 */
export async function fetchRankShards(options: {
  repo: string;
  /** One HF hub cache per rank, rank 0 first. */
  hubCaches: readonly string[];
  deps: OperationDeps;
  onProgress?: (rank: number, progress: DownloadProgress) => void;
}): Promise<RankShards> {
  const { repo, hubCaches, deps, onProgress } = options;
  const ranks = hubCaches.length;
  if (ranks < 2 || ranks > MAX_HOSTS) throw new WhetError("ranks_invalid", `A distributed group needs 2 to ${MAX_HOSTS} ranks, not ${ranks}`, "Give one cache per rank.");
  const { repoId } = parseRepoSpec(repo);
  const pull = (rank: number, spec: string, include: string[]) =>
    runToEnd(pullOperation, { repo: spec, include }, { ...deps, config: { ...deps.config, hubCache: hubCaches[rank] as string } }, (p) => onProgress?.(rank, p));

  const metadata = await pull(0, repo, MODEL_METADATA_PATTERNS);
  const layout = await readPipelineLayout(metadata.snapshotPath, repoId);
  const shards = pipelineShards(layout.weightMap, layout.layers, ranks);
  const pinned = `${repoId}@${metadata.commit}`;
  const modelPaths: string[] = [];
  const bytesFetched: number[] = [];
  for (const [rank, files] of shards.entries()) {
    const result = await pull(rank, pinned, [...MODEL_METADATA_PATTERNS, ...files.map(exactPattern)]);
    modelPaths.push(result.snapshotPath);
    bytesFetched.push(result.bytesFetched + (rank === 0 ? metadata.bytesFetched : 0));
  }
  return { commit: metadata.commit, modelPaths, shards, bytesFetched };
}
