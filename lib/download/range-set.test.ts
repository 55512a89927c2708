import { describe, expect, it } from "vitest";
import { addRange, coveredBytes, missingRanges, type Ranges } from "./range-set";

describe("range sets", () => {
  it("merges touching and overlapping ranges in any order of arrival", () => {
    let ranges: Ranges = [];
    for (const [s, e] of [[10, 20], [30, 40], [0, 5], [20, 30], [4, 11], [50, 50]] as const) ranges = addRange(ranges, s, e);
    expect(ranges).toEqual([[0, 40]]);
    expect(addRange([[0, 10], [20, 30]], 12, 15)).toEqual([[0, 10], [12, 15], [20, 30]]);
    expect(coveredBytes([[0, 10], [12, 15]])).toBe(13);
  });

  it("finds the gaps", () => {
    const gaps = missingRanges([[5, 10], [20, 25]], 40);
    expect(gaps).toEqual([[0, 5], [10, 20], [25, 40]]);
    expect(missingRanges([], 0)).toEqual([]);
    expect(missingRanges([[0, 8]], 8)).toEqual([]);
  });
});
