import { describe, expect, it } from "vitest";
import { precisionLabel } from "./precision-label";

describe("precisionLabel", () => {
  it("reads bits from the quantization, else the dtype, and nothing from values out of range", () => {
    expect(precisionLabel({ quantization: { group_size: 64, bits: 4 }, torch_dtype: "bfloat16" })).toBe("4-bit");
    expect(precisionLabel({ quantization: { group_size: 32, bits: 4, mode: "mxfp4" } })).toBe("4-bit mxfp4");
    expect(precisionLabel({ torch_dtype: "bfloat16" })).toBe("bf16");
    expect(precisionLabel({ dtype: "float16" })).toBe("fp16");
    expect(precisionLabel({ quantization: { bits: 1e9 }, torch_dtype: "float32" })).toBe("fp32");
    expect(precisionLabel({ torch_dtype: "<script>" })).toBeNull();
    expect(precisionLabel(null)).toBeNull();
  });
});
