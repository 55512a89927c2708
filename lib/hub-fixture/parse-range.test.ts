import { describe, expect, it } from "vitest";
import { parseRange } from "./parse-range";

describe("parseRange", () => {
  it("reads the single ranges both Hub clients send", () => {
    expect(parseRange("bytes=0-0", 100)).toEqual({ kind: "part", start: 0, end: 0 });
    expect(parseRange("bytes=10-19", 100)).toEqual({ kind: "part", start: 10, end: 19 });
    expect(parseRange("bytes=90-", 100)).toEqual({ kind: "part", start: 90, end: 99 });
    expect(parseRange("bytes=-5", 100)).toEqual({ kind: "part", start: 95, end: 99 });
    expect(parseRange("bytes=50-500", 100)).toEqual({ kind: "part", start: 50, end: 99 });
  });

  it("refuses ranges past the end and ignores what it does not understand", () => {
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-0", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange(undefined, 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=9-3", 100)).toEqual({ kind: "whole" });
  });
});
