import { describe, expect, it } from "vitest";
import { formatCount } from "./format-count";

describe("formatCount", () => {
  it("reads like the Hub's counts", () => {
    expect([7, 999, 1234, 120_000, 999_999, 1_200_000, 134_515_008, 3_400_000_000].map(formatCount)).toEqual(["7", "999", "1.2k", "120k", "1M", "1.2M", "135M", "3.4B"]);
  });
});
