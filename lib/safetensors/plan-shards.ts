/** mlx-lm's shard size limit: 5 GiB of tensor data per file (headers not counted). */
export const MAX_SHARD_BYTES = 5 * 2 ** 30;

/**
 * Splits tensors into shards the way mlx-lm's `make_shards` does: in order,
 * starting a new shard when the next tensor would pass the limit.
 */
export function planShards<T extends { byteLength: number }>(tensors: readonly T[], limit = MAX_SHARD_BYTES): T[][] {
  const shards: T[][] = [[]];
  let size = 0;
  for (const tensor of tensors) {
    if (size + tensor.byteLength > limit && (shards.at(-1)?.length ?? 0) > 0) {
      shards.push([]);
      size = 0;
    }
    shards.at(-1)?.push(tensor);
    size += tensor.byteLength;
  }
  return shards;
}

/** `model.safetensors` for one shard, else `model-0000i-of-0000n.safetensors`. */
export function shardName(index: number, count: number): string {
  if (count === 1) return "model.safetensors";
  const pad = (n: number) => String(n).padStart(5, "0");
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}
