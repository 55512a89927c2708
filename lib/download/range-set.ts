/** Half-open byte ranges [start, end), sorted, merged, non-empty. */
export type Ranges = [number, number][];

/** `ranges` with [start, end) added, merged with its neighbours. */
export function addRange(ranges: Ranges, start: number, end: number): Ranges {
  if (end <= start) return ranges;
  const out: Ranges = [];
  let [s, e] = [start, end];
  let placed = false;
  for (const [a, b] of ranges) {
    if (b < s) out.push([a, b]);
    else if (a > e) {
      if (!placed) out.push([s, e]);
      placed = true;
      out.push([a, b]);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push([s, e]);
  return out;
}

export function coveredBytes(ranges: Ranges): number {
  return ranges.reduce((n, [a, b]) => n + (b - a), 0);
}

/** The gaps of `ranges` within [0, size). */
export function missingRanges(ranges: Ranges, size: number): Ranges {
  const gaps: Ranges = [];
  let at = 0;
  for (const [a, b] of ranges) {
    if (a > at) gaps.push([at, Math.min(a, size)]);
    at = Math.max(at, b);
  }
  if (at < size) gaps.push([at, size]);
  return gaps;
}
