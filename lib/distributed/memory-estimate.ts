import type { Hostfile } from "./hostfile";

/**
 * Key/value cache planned for one sequence: the model's context, at most this
 * many tokens (a reply is bounded by the context; most contexts beyond this
 * are never filled by one chat).
 */
export const KV_PLAN_TOKENS = 32_768;

/**
 * Python, MLX, mlx-lm, the tokenizer and buffers of one rank besides its weights: a SmolLM2-135M
 * rank measured about 175 MiB resident beyond its 121 MiB share of the weights (Linux, CPU); rounded up.
 */
export const RANK_RUNTIME_BYTES = 256 * 1024 ** 2;

/**
 * Share of a host's memory its ranks may plan on: on a Mac MLX's default
 * wired limit (the GPU working set) is about three quarters of RAM, and the
 * system needs the rest.
 */
export const USABLE_MEMORY_SHARE = 0.75;

export interface HostMemoryPlan {
  host: string;
  ranks: number[];
  needBytes: number;
  /** null when the host did not say (then it is not checked). */
  totalBytes: number | null;
  usableBytes: number;
}

export interface MemoryPlan {
  weightsBytes: number;
  /** Weights every rank keeps whole: the embeddings and the output head (mlx-lm splits neither). */
  unshardedBytes: number;
  kvCacheTokens: number;
  kvCacheBytesPerRank: number;
  perRankBytes: number;
  hosts: HostMemoryPlan[];
}

/** Bytes per weight as stored: quantized bits plus a 16-bit scale and bias per group, else the float width. */
function bytesPerWeight(config: Record<string, unknown>): number {
  const q = config.quantization;
  if (typeof q === "object" && q !== null && !Array.isArray(q)) {
    const { bits, group_size: group } = q as Record<string, unknown>;
    if (typeof bits === "number" && bits >= 1 && bits <= 8) return bits / 8 + (typeof group === "number" && group >= 1 && group <= 1024 ? 4 / group : 0);
  }
  return config.torch_dtype === "float32" ? 4 : 2;
}

/**
 * What each rank needs: the weights split N ways except the embeddings and
 * head every rank keeps, its share of the key/value cache (tensor parallel
 * splits the key/value heads, pipeline the layers: both 1/N), and the runtime.
 * Every count comes from config.json already bounded (configCount).
 */
export function planMemory(options: {
  config: Record<string, unknown>;
  counts: { heads: number | null; kvHeads: number | null; layers: number | null; hidden: number | null; vocab: number | null; headDim: number | null; context: number | null };
  weightsBytes: number;
  hostfile: Hostfile;
  hostMemory: (ssh: string) => number | null;
}): MemoryPlan {
  const { config, counts, weightsBytes, hostfile, hostMemory } = options;
  const ranks = hostfile.hosts.length;
  const heads = counts.heads ?? 0;
  const headDim = counts.headDim ?? (heads > 0 && counts.hidden !== null ? Math.floor(counts.hidden / heads) : 0);
  const kvHeads = counts.kvHeads ?? heads;
  const embeddingTables = config.tie_word_embeddings === false ? 2 : 1;
  const embedding = (counts.vocab ?? 0) * (counts.hidden ?? 0) * bytesPerWeight(config) * embeddingTables;
  const unshardedBytes = Math.min(weightsBytes, embedding);
  const kvCacheTokens = Math.min(counts.context ?? 4096, KV_PLAN_TOKENS);
  const cacheBytes = config.torch_dtype === "float32" ? 4 : 2;
  const kvCacheBytesPerRank = Math.ceil((2 * (counts.layers ?? 0) * kvHeads * headDim * kvCacheTokens * cacheBytes) / ranks);
  const perRankBytes = Math.ceil(unshardedBytes + (weightsBytes - unshardedBytes) / ranks + kvCacheBytesPerRank + RANK_RUNTIME_BYTES);

  const byHost = new Map<string, number[]>();
  hostfile.hosts.forEach((h, rank) => byHost.set(h.ssh, [...(byHost.get(h.ssh) ?? []), rank]));
  const hosts = [...byHost.entries()].map(([host, ranksHere]) => {
    const totalBytes = hostMemory(host);
    return { host, ranks: ranksHere, needBytes: perRankBytes * ranksHere.length, totalBytes, usableBytes: Math.floor((totalBytes ?? 0) * USABLE_MEMORY_SHARE) };
  });
  return { weightsBytes, unshardedBytes, kvCacheTokens, kvCacheBytesPerRank, perRankBytes, hosts };
}
