/** mlx-lm's shard limit: `MAX_FILE_SIZE_GB = 5`, `5 << 30` bytes of tensor data (headers not counted). */
export const MAX_SHARD_BYTES = 5 * 2 ** 30;

export interface ShardPlan<T> {
  file: string;
  tensors: T[];
  bytes: number;
}

/** `model.safetensors` for one shard, else `model-00001-of-00003.safetensors`, as mlx-lm names them. */
export function shardName(index: number, count: number): string {
  if (count === 1) return "model.safetensors";
  const pad = (n: number) => String(n).padStart(5, "0");
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

/**
 * `make_shards` of mlx_lm/utils.py: walk the tensors in parameter order and
 * start a new shard when the next tensor would push the current one past the
 * limit (a shard may be exactly at the limit; a larger tensor gets a shard of
 * its own).
 */
export function makeShards<T extends { bytes: number }>(tensors: readonly T[], limit = MAX_SHARD_BYTES): ShardPlan<T>[] {
  const groups: { tensors: T[]; bytes: number }[] = [];
  for (const t of tensors) {
    const last = groups[groups.length - 1];
    if (!last || last.bytes + t.bytes > limit) groups.push({ tensors: [t], bytes: t.bytes });
    else {
      last.tensors.push(t);
      last.bytes += t.bytes;
    }
  }
  return groups.map((g, i) => ({ file: shardName(i, groups.length), ...g }));
}
