import { roundArrayToDtype, roundToDtype, type FloatTensorDtype } from "../tensor/float-arrays";

/** Running sums of one tensor's quantization error; merge slices with `mergeErrors`. */
export interface ErrorSums {
  count: number;
  /** Σ (ŵ − w)² and Σ w², in float64. */
  squaredError: number;
  squaredSignal: number;
  maxAbsError: number;
}

export interface ErrorStats {
  /** Root mean square of ŵ − w. */
  rmse: number;
  maxAbsError: number;
  /** 10·log10(Σw² / Σ(ŵ − w)²); Infinity when the weights come back exactly. */
  snrDb: number;
}

export function emptyErrorSums(): ErrorSums {
  return { count: 0, squaredError: 0, squaredSignal: 0, maxAbsError: 0 };
}

export function mergeErrors(into: ErrorSums, from: ErrorSums): ErrorSums {
  into.count += from.count;
  into.squaredError += from.squaredError;
  into.squaredSignal += from.squaredSignal;
  into.maxAbsError = Math.max(into.maxAbsError, from.maxAbsError);
  return into;
}

export function errorStats(sums: ErrorSums): ErrorStats {
  const rmse = sums.count ? Math.sqrt(sums.squaredError / sums.count) : 0;
  const snrDb = sums.squaredError === 0 ? Infinity : 10 * Math.log10(sums.squaredSignal / sums.squaredError);
  return { rmse, maxAbsError: sums.maxAbsError, snrDb };
}

/**
 * An `onGroup` callback for `affineQuantize` that adds each group's error to
 * `sums`. The weights compared are exactly what `mx.dequantize` returns from
 * the stored tensors: scale and bias cast to the model dtype, then
 * T(T(q·scale) + bias).
 */
export function errorCollector(
  w: Float32Array,
  groupSize: number,
  dtype: FloatTensorDtype,
  sums: ErrorSums,
): (offset: number, codes: Uint8Array, scale: number, bias: number) => void {
  const scratch = new Float32Array(groupSize);
  return (offset, codes, scale, bias) => {
    const s = roundToDtype(scale, dtype);
    const b = roundToDtype(bias, dtype);
    for (let i = 0; i < groupSize; i++) scratch[i] = (codes[i] as number) * s;
    roundArrayToDtype(scratch, dtype);
    for (let i = 0; i < groupSize; i++) scratch[i] = (scratch[i] as number) + b;
    roundArrayToDtype(scratch, dtype);
    let squaredError = 0;
    let squaredSignal = 0;
    let maxAbs = sums.maxAbsError;
    for (let i = 0; i < groupSize; i++) {
      const v = w[offset + i] as number;
      const e = (scratch[i] as number) - v;
      squaredError += e * e;
      squaredSignal += v * v;
      const a = e < 0 ? -e : e;
      if (a > maxAbs) maxAbs = a;
    }
    sums.count += groupSize;
    sums.squaredError += squaredError;
    sums.squaredSignal += squaredSignal;
    sums.maxAbsError = maxAbs;
  };
}
