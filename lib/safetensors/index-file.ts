import { z } from "zod";
import { WhetError } from "../errors";
import { parseJsonText } from "../fs/parse-json-text";

export const INDEX_FILE = "model.safetensors.index.json";

const indexSchema = z.object({
  metadata: z.record(z.string(), z.unknown()).nullish(),
  weight_map: z.record(z.string(), z.string()),
});

export type SafetensorsIndex = z.infer<typeof indexSchema>;

/**
 * Serialises an index the way mlx-lm does (`metadata` then `weight_map`, keys
 * sorted, 4-space indent, no trailing newline), so the same shards always give
 * the same bytes.
 */
export function formatIndex(weightMap: ReadonlyMap<string, string>, totalSize: number, totalParameters?: number): string {
  const sorted = [...weightMap.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ordered: Record<string, string> = {};
  for (const key of sorted) ordered[key] = weightMap.get(key) as string;
  // mlx-lm ≥ 0.26 also writes total_parameters, after total_size.
  const metadata = totalParameters === undefined ? { total_size: totalSize } : { total_size: totalSize, total_parameters: totalParameters };
  return JSON.stringify({ metadata, weight_map: ordered }, null, 4);
}

/** Validates the text of an index file; a typed error names what is wrong with it, never quoting the text. */
export function parseIndex(text: string, file: string): SafetensorsIndex {
  const json = parseJsonText(text);
  if (!json.ok) {
    throw new WhetError("index_invalid_json", `${INDEX_FILE} ${json.problem}`, "Rebuild it from the shards: whet convert SRC DST --repair-index", { file });
  }
  const parsed = indexSchema.safeParse(json.value);
  if (!parsed.success) {
    throw new WhetError(
      "index_invalid",
      `${INDEX_FILE} has no valid weight_map (${parsed.error.issues[0]?.message ?? "wrong shape"})`,
      "Rebuild it from the shards: whet convert SRC DST --repair-index",
      { file },
    );
  }
  return parsed.data;
}
