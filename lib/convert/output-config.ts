import { modelFolder, readModelText } from "../fs/model-folder";
import type { LayerChoice } from "../quantize/layer-quantization";
import { formatPyJson, parsePyJson, PyNumber, pyInt, type PyObject, type PyValue } from "./python-json";

function isTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === "") return false;
  if (value instanceof PyNumber) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  return true;
}

function entryObject(entry: { group_size: number | null; bits: number; mode?: string }): PyObject {
  const out: PyObject = new Map<string, PyValue>([
    ["group_size", entry.group_size === null ? null : pyInt(entry.group_size)],
    ["bits", pyInt(entry.bits)],
  ]);
  if (entry.mode !== undefined) out.set("mode", entry.mode);
  return out;
}

/**
 * The source's config.json as mlx-lm writes it after a conversion: loaded
 * like `load_config` (a truthy `eos_token_id` of generation_config.json
 * replaces config's), `quantization` set by `quantize_model` (group size,
 * bits, mode, then per-layer entries in traversal order) or removed by
 * dequantize, mirrored into `quantization_config`, then `save_config`: drop
 * `_name_or_path` and `vision_config`, sort the top-level keys, `json.dump`
 * with indent 4. Numbers keep their int/float kind, so the text matches
 * Python's byte for byte.
 */
export async function outputConfig(params: {
  sourceDir: string;
  quantization: { global: { group_size: number; bits: number; mode: "affine" }; layers: [string, LayerChoice][] } | null;
  dequantize: boolean;
}): Promise<string> {
  const source = await modelFolder(params.sourceDir);
  const config = parsePyJson((await readModelText(source, "config.json")) ?? "", "config.json") as PyObject;
  const generation = await readModelText(source, "generation_config.json").then(
    (text) => {
      try {
        return text === null ? null : (parsePyJson(text, "generation_config.json") as PyObject);
      } catch {
        return null;
      }
    },
    () => null,
  );
  const eos = generation instanceof Map ? generation.get("eos_token_id") : undefined;
  if (isTruthy(eos)) config.set("eos_token_id", eos as PyValue);

  if (params.quantization) {
    const q = entryObject(params.quantization.global);
    for (const [path, choice] of params.quantization.layers) if (choice.entry) q.set(path, entryObject(choice.entry));
    config.delete("quantization");
    config.delete("quantization_config");
    config.set("quantization", q);
  }
  if (params.dequantize) {
    config.delete("quantization");
    config.delete("quantization_config");
  }
  config.delete("_name_or_path");
  config.delete("vision_config");
  const quantization = config.get("quantization");
  if (quantization !== undefined) config.set("quantization_config", quantization);
  const sorted: PyObject = new Map([...config].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return formatPyJson(sorted);
}
