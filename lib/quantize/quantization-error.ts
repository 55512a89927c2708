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
