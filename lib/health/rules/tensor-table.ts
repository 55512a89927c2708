import type { TensorInfo } from "../../safetensors/read-header";
import type { FolderFacts } from "../inspect-folder";

/** One table per inspected folder: several rules look tensors up by name. */
const tables = new WeakMap<FolderFacts, Map<string, TensorInfo>>();

/** Every tensor of the readable shards by name (the first shard wins for duplicates). */
export function tensorTable(facts: FolderFacts): Map<string, TensorInfo> {
  let table = tables.get(facts);
  if (table) return table;
  table = new Map<string, TensorInfo>();
  for (const shard of facts.shards) {
    for (const tensor of shard.header?.tensors ?? []) if (!table.has(tensor.name)) table.set(tensor.name, tensor);
  }
  tables.set(facts, table);
  return table;
}

/** True when every shard could be read, so a missing tensor really is missing. */
export function allShardsReadable(facts: FolderFacts): boolean {
  return facts.shards.length > 0 && facts.shards.every((s) => s.header !== null);
}
