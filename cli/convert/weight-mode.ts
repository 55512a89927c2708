import type { TransformResult } from "../../lib/convert/transform-weights";
import type { WeightMode } from "../../lib/convert/weight-plan";
import { convertWeightsOperation } from "../../lib/operations/convert-weights";
import { formatBytes } from "../../lib/format/format-bytes";
import { renderQualityReport } from "../render/quality-report";
import { renderWeightProgress } from "../render/weight-progress";
import { runOperation } from "../run-operation";
import { convertOutcome, type ConvertMode } from "./convert-mode";
import { weightMode as parseWeightMode } from "./weight-options";

function message(result: TransformResult): string {
  const size = `${result.tensors} tensors in ${result.shards.length} shard${result.shards.length === 1 ? "" : "s"}, ${formatBytes(result.totalSize)}`;
  if (result.mode === "quantize" && result.quantization) {
    const q = result.quantization;
    const how = q.recipe ? `with ${q.recipe}` : `to ${q.bits}-bit`;
    return `Quantized ${result.quality?.overall.tensors ?? 0} layers ${how} (group size ${q.group_size}), ${result.bitsPerWeight.toFixed(3)} bits per weight; ${size}`;
  }
  if (result.mode === "dequantize") return `Dequantized to ${result.castTo ?? "the scales' dtype"}; ${size}`;
  return `Converted to ${result.castTo}; ${size}`;
}

/** `convert --quantize`, `--dequantize` and `--dtype`: one handler over lib/convert/transform-weights. */
export function weightConvertMode(mode: WeightMode["mode"]): ConvertMode {
  return async ({ source, target, values, skipHealth, ctx }) => {
    const options = parseWeightMode(mode, values);
    const result = await runOperation(convertWeightsOperation, { source, target, options, skipHealth }, ctx, renderWeightProgress);
    return convertOutcome({
      source: result.source,
      target: result.target,
      mode,
      message: message(result),
      health: result.health,
      ...(result.warnings.length ? { warning: result.warnings.join(" ") } : {}),
      extra: {
        warnings: result.warnings,
        quantization: result.quantization,
        dtype: result.castTo,
        shards: result.shards,
        tensors: result.tensors,
        total_size: result.totalSize,
        total_parameters: result.totalParameters,
        bits_per_weight: result.bitsPerWeight,
        not_divisible: result.notDivisible,
        seconds: result.seconds,
        quality: result.quality,
      },
      lines: [
        ...(result.notDivisible.length ? [`Left in float (last dimension not divisible by the group size): ${result.notDivisible.join(", ")}`] : []),
        ...(result.quality ? renderQualityReport(result.quality) : []),
        `Done in ${result.seconds.toFixed(1)} s`,
      ],
    });
  };
}
