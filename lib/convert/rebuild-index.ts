import { join } from "node:path";
import { WhetError } from "../errors";
import { writeFileAtomic } from "../fs/write-file-atomic";
import { formatIndex, INDEX_FILE } from "../safetensors/index-file";
import { readSafetensorsHeader } from "../safetensors/read-header";

export interface RebuiltIndex {
  shards: string[];
  tensors: number;
  totalSize: number;
  weightMap: Map<string, string>;
}

/**
 * Rebuilds `model.safetensors.index.json` from the headers of the given shards:
 * every tensor mapped to the one shard that holds it, `total_size` the sum of
 * tensor bytes. Same shards in, byte-identical index out.
 */
export async function rebuildIndex(dir: string, shards: readonly string[]): Promise<RebuiltIndex> {
  const sorted = [...shards].sort();
  if (sorted.length === 0) {
    throw new WhetError(
      "no_safetensors",
      `No safetensors files found in ${dir}`,
      "repair-index rebuilds the index from safetensors shards; this model has none (see `whet health`).",
    );
  }
  const weightMap = new Map<string, string>();
  let totalSize = 0;
  for (const shard of sorted) {
    const header = await readSafetensorsHeader(join(dir, shard));
    for (const tensor of header.tensors) {
      const other = weightMap.get(tensor.name);
      if (other !== undefined) {
        throw new WhetError(
          "duplicate_tensor",
          `Duplicate tensor key '${tensor.name}' found in multiple shards: ${other} and ${shard}`,
          `An index can name only one shard per tensor. Remove the stray shard (often a leftover single-file checkpoint) from the source and run the repair again.`,
          { tensor: tensor.name, files: [other, shard] },
        );
      }
      weightMap.set(tensor.name, shard);
      totalSize += tensor.end - tensor.begin;
    }
  }
  if (weightMap.size === 0) {
    throw new WhetError("no_tensors", `No tensors found in the shards of ${dir}`, "The shards are empty: download the model again.");
  }
  await writeFileAtomic(join(dir, INDEX_FILE), formatIndex(weightMap, totalSize));
  return { shards: sorted, tensors: weightMap.size, totalSize, weightMap };
}
