import { WhetError } from "../errors";
import { modelFolder, readModelText } from "../fs/model-folder";
import { readJsonObject } from "../fs/read-json-object";
import { configCount } from "../health/config-numbers";
import { INDEX_FILE, parseIndex } from "../safetensors/index-file";

/** Layers one pipeline rank runs: [start, end). */
export interface LayerRange {
  start: number;
  end: number;
}

/** Entries of a weight_map read; a 1T-parameter model has some tens of thousands. */
const MAX_WEIGHT_ENTRIES = 1_000_000;
/** Shard files read from an index; mlx-lm writes one per 5 GB. */
const MAX_SHARD_FILES = 10_000;
const MAX_LAYERS = 100_000;

// mlx-lm's sharded_load matches a weight to a layer by this, whatever sanitize renames.
const LAYER_KEY = /(?:^|\.)layers\.(\d{1,6})\./;
// mlx-lm loads `model*.safetensors` from the model folder itself: a shard is a plain file name there.
const SHARD_FILE = /^[^/\\]{1,255}\.safetensors$/;

/**
 * The layers each rank runs under mlx-lm's pipeline(): an even split whose
 * low ranks take the extra layers, laid out in reverse, so rank 0 runs the
 * last layers (and produces the logits) and the highest rank the first.
 */
export function pipelineLayerRanges(layers: number, ranks: number): LayerRange[] {
  const base = Math.floor(layers / ranks);
  const extra = layers % ranks;
  const split = Array.from({ length: ranks }, (_, r) => base + (r < extra ? 1 : 0));
  return split.map((count, r) => {
    const start = split.slice(r + 1).reduce((n, s) => n + s, 0);
    return { start, end: start + count };
  });
}

/**
 * The shard files each rank of a pipeline needs, from the index's weight_map,
 * as mlx-lm's sharded_load decides them: the files holding its layers, and
 * every file holding a weight outside the layers (embeddings, final norm,
 * head), which every stage keeps. Sorted, rank 0 first.
 */
export function pipelineShards(weightMap: Readonly<Record<string, string>>, layers: number, ranks: number): string[][] {
  if (!Number.isInteger(layers) || layers < 1 || layers > MAX_LAYERS || !Number.isInteger(ranks) || ranks < 1 || ranks > layers) {
    throw new WhetError("pipeline_layers", `${layers} layers cannot be split across ${ranks} ranks`, `Use at most ${layers} ranks.`);
  }
  const entries = Object.entries(weightMap);
  if (entries.length > MAX_WEIGHT_ENTRIES) {
    throw new WhetError("index_invalid", `The index lists more than ${MAX_WEIGHT_ENTRIES} weights`, "Check that this is a model's model.safetensors.index.json.");
  }
  const ranges = pipelineLayerRanges(layers, ranks);
  const needed = ranges.map(() => new Set<string>());
  const shardFiles = new Set<string>();
  const covered = new Set<number>();
  for (const [key, file] of entries) {
    if (!SHARD_FILE.test(file)) {
      throw new WhetError("index_invalid", "The index names a shard that is not a .safetensors file in the model folder", "Rebuild it from the shards: whet convert SRC DST --repair-index");
    }
    shardFiles.add(file);
    if (shardFiles.size > MAX_SHARD_FILES) throw new WhetError("index_invalid", `The index names more than ${MAX_SHARD_FILES} shard files`, "Check that this is a model's model.safetensors.index.json.");
    const match = LAYER_KEY.exec(key);
    const layer = match ? Number(match[1]) : null;
    if (layer !== null) covered.add(layer);
    ranges.forEach((range, r) => {
      if (layer === null || (range.start <= layer && layer < range.end)) needed[r]?.add(file);
    });
  }
  const missing = Array.from({ length: layers }, (_, i) => i).filter((i) => !covered.has(i));
  if (missing.length > 0) {
    throw new WhetError(
      "pipeline_layers_missing",
      `The index has no weights for ${missing.length} of the ${layers} layers (the first is layer ${missing[0]})`,
      "Convert the model with whet convert (or mlx_lm.convert) so that every layer's weights are in its shards.",
    );
  }
  return needed.map((files) => [...files].sort());
}

/** A file name as an include pattern that matches only itself (fnmatch's `*`, `?` and `[` bracketed). */
export function exactPattern(file: string): string {
  return file.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** What mlx-lm reads to split a model into stages: its layer count and its index's weight_map. */
export async function readPipelineLayout(modelPath: string, name: string): Promise<{ layers: number; weightMap: Record<string, string>; totalSize: number | null }> {
  const folder = await modelFolder(modelPath);
  const config = await readJsonObject(folder, "config.json");
  const text = typeof config?.text_config === "object" && config.text_config !== null && !Array.isArray(config.text_config) ? (config.text_config as Record<string, unknown>) : {};
  const layers = config ? (configCount(config, "num_hidden_layers") ?? configCount(text, "num_hidden_layers")) : null;
  if (layers === null) throw new WhetError("pipeline_layers", `${name}'s config.json does not say how many layers it has`, "Pipeline parallel splits the layers across ranks; without the count it cannot be planned.");
  const indexText = await readModelText(folder, INDEX_FILE);
  if (indexText === null) {
    throw new WhetError("pipeline_needs_index", `${name} has no ${INDEX_FILE}, which mlx-lm's pipeline loading reads to give each rank its layers`, "Use tensor parallel, or convert the model with sharded weights (`whet convert`).");
  }
  const index = parseIndex(indexText, INDEX_FILE);
  const total = index.metadata?.total_size;
  return { layers, weightMap: index.weight_map, totalSize: typeof total === "number" && Number.isSafeInteger(total) && total >= 0 ? total : null };
}
