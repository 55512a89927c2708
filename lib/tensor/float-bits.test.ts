import { describe, expect, it } from "vitest";
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from "./float-bits";

describe("16-bit float conversion", () => {
  it("rounds float32 to bfloat16 to nearest even", () => {
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(-2)).toBe(0xc000);
    // 1 + 2^-8 lies exactly between two bfloat16 values; the even one (1.0) wins.
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(bfloat16BitsToFloat32(0x4049)).toBeCloseTo(3.140625, 6);
  });

  it("converts float32 to float16 and back, including subnormals and overflow", () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(70000)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(-0.5)).toBe(0xb800);
    for (const v of [0.1, -3.75, 1e-4, 1234.5]) {
      const back = float16BitsToFloat32(float32ToFloat16Bits(v));
      expect(Math.abs(back - v) / Math.abs(v)).toBeLessThan(1e-3);
    }
  });
});
