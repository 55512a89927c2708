import { emptyErrorSums, errorStats, mergeErrors, type ErrorSums } from "./quantization-error";

/** The error one quantized tensor brings, measured on what mx.dequantize gives back. */
export interface TensorQuality {
  /** Module path, e.g. `model.layers.3.mlp.down_proj`. */
  module: string;
  layerType: string;
  bits: number;
  groupSize: number;
  elements: number;
  rmse: number;
  maxAbsError: number;
  /** Signal-to-noise ratio in dB; null when the weights come back exactly. */
  snrDb: number | null;
}

export interface LayerTypeQuality {
  layerType: string;
  tensors: number;
  elements: number;
  bits: number[];
  rmse: number;
  maxAbsError: number;
  snrDb: number | null;
  /** The tensor of this type with the lowest SNR. */
  worst: string;
}

export interface QualityReport {
  tensors: TensorQuality[];
  layerTypes: LayerTypeQuality[];
  overall: { tensors: number; elements: number; rmse: number; maxAbsError: number; snrDb: number | null };
}

/**
 * What kind of layer a module is, the same across layers: numbered parts and
 * everything before them are dropped (`model.layers.7.self_attn.q_proj` →
 * `self_attn.q_proj`, `model.layers.2.mlp.experts.5.up_proj` → `up_proj`), and
 * a leading `model.` (`model.embed_tokens` → `embed_tokens`).
 */
export function layerType(module: string): string {
  const parts = module.split(".");
  let lastNumber = -1;
  parts.forEach((p, i) => {
    if (/^\d+$/.test(p)) lastNumber = i;
  });
  const rest = lastNumber >= 0 ? parts.slice(lastNumber + 1) : parts[0] === "model" && parts.length > 1 ? parts.slice(1) : parts;
  return rest.join(".") || module;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Per-tensor figures, and per layer type the same figures over all its tensors (RMSE and SNR pooled, not averaged). */
export function qualityReport(entries: readonly { module: string; bits: number; groupSize: number; sums: ErrorSums }[]): QualityReport {
  const tensors: TensorQuality[] = entries.map((e) => {
    const s = errorStats(e.sums);
    return {
      module: e.module,
      layerType: layerType(e.module),
      bits: e.bits,
      groupSize: e.groupSize,
      elements: e.sums.count,
      rmse: s.rmse,
      maxAbsError: s.maxAbsError,
      snrDb: finite(s.snrDb),
    };
  });
  const byType = new Map<string, { sums: ErrorSums; items: TensorQuality[] }>();
  entries.forEach((e, i) => {
    const t = tensors[i] as TensorQuality;
    const group = byType.get(t.layerType) ?? { sums: emptyErrorSums(), items: [] };
    mergeErrors(group.sums, e.sums);
    group.items.push(t);
    byType.set(t.layerType, group);
  });
  const layerTypes: LayerTypeQuality[] = [...byType].map(([type, { sums, items }]) => {
    const s = errorStats(sums);
    const worst = items.reduce((a, b) => ((b.snrDb ?? Infinity) < (a.snrDb ?? Infinity) ? b : a));
    return {
      layerType: type,
      tensors: items.length,
      elements: sums.count,
      bits: [...new Set(items.map((t) => t.bits))].sort((a, b) => a - b),
      rmse: s.rmse,
      maxAbsError: s.maxAbsError,
      snrDb: finite(s.snrDb),
      worst: worst.module,
    };
  });
  const all = entries.reduce((acc, e) => mergeErrors(acc, e.sums), emptyErrorSums());
  const overall = errorStats(all);
  return {
    tensors,
    layerTypes,
    overall: { tensors: tensors.length, elements: all.count, rmse: overall.rmse, maxAbsError: overall.maxAbsError, snrDb: finite(overall.snrDb) },
  };
}
