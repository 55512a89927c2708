import { describe, expect, it } from "vitest";
import { countParameters } from "./count-parameters";

describe("countParameters", () => {
  // An MLX 4-bit model with one module kept at 8 bits (a mixed recipe): out=64, in=256, group 64.
  const quantized = (module: string, bits: number) => [
    { name: `${module}.weight`, dtype: "U32" as const, shape: [64, (256 * bits) / 32] },
    { name: `${module}.scales`, dtype: "BF16" as const, shape: [64, 256 / 64] },
    { name: `${module}.biases`, dtype: "BF16" as const, shape: [64, 256 / 64] },
  ];
  const tensors = [...quantized("layers.0.q_proj", 4), ...quantized("layers.0.down_proj", 8), { name: "norm.weight", dtype: "BF16" as const, shape: [256] }];

  it("unpacks each quantized module with its own bits and leaves scales and biases out", () => {
    const count = countParameters(tensors, { bits: 4, perModule: new Map([["layers.0.down_proj", 8]]) });
    expect(count.total).toBe(64 * 256 * 2 + 256);
    expect(count.unpacked).toBe(true);
    expect(count.storedByDtype.U32).toBe(64 * 32 + 64 * 64);
  });

  it("counts packed weights as stored when the config has no quantization block", () => {
    const count = countParameters(tensors, null);
    expect(count.unpacked).toBe(false);
    expect(count.total).toBe(Object.values(count.storedByDtype).reduce((a, b) => a + b, 0));
  });
});
