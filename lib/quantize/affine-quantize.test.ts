import { describe, expect, it } from "vitest";
import { affineQuantize, type QuantizeKernel } from "./affine-quantize";
import { createWasmQuantizer } from "./wasm-quantizer";

/**
 * Worked vectors of the format research (shared/research/mlx-format.md §2.2),
 * transcribed from MLX's CPU and Metal kernels, for both of our kernels. The
 * CPU ones are also what the real MLX in the venv gives (mlx-identity.test.ts).
 */
function run(values: number[], bits: number, groupSize: number, kernel: QuantizeKernel) {
  const w = Float32Array.from(values);
  const groups = w.length / groupSize;
  const packed = new Uint32Array((w.length * bits) / 32);
  const scales = new Float32Array(groups);
  const biases = new Float32Array(groups);
  expect(affineQuantize(w, bits, groupSize, { packed, scales, biases, group: 0 }, kernel)).toBe(-1);
  const q = createWasmQuantizer(1024);
  q.inputF32(w.length).set(w);
  expect(q.quantize({ count: w.length, bits, groupSize, kernel, stats: "none" })).toBe(-1);
  const wasmWords = new Uint32Array(q.packed(w.length, bits).slice().buffer);
  expect([...wasmWords]).toEqual([...packed]);
  expect([...q.scales(groups)]).toEqual([...scales]);
  expect([...q.biases(groups)]).toEqual([...biases]);
  const hex = (x: number) => x.toString(16).padStart(8, "0");
  const bitsOf = (x: number) => hex(new Uint32Array(Float32Array.of(x).buffer)[0] as number);
  return { words: [...packed].map(hex), scale: bitsOf(scales[0] as number), bias: biases[0] };
}

const ramp = Array.from({ length: 64 }, (_, i) => Math.fround(i / 63) - 0.25);

describe("MLX's worked quantization vectors", () => {
  it("a ramp, every width: identical on CPU and Metal", () => {
    for (const kernel of ["cpu", "metal"] as const) {
      expect(run(ramp, 4, 64, kernel)).toEqual({
        words: ["ddeeeeef", "bbccccdd", "9aaaaabb", "78888999", "66667777", "44445555", "22233333", "00011112"],
        scale: "bd8ba2e9",
        bias: 0.75,
      });
      expect(run(ramp, 3, 64, kernel).words).toEqual(["b6db6dbf", "5b6db6dd", "6e492492", "926db6db", "924a4924", "00004924"]);
      expect(run(ramp, 2, 64, kernel).words).toEqual(["aaaaaaff", "55aaaaaa", "55555555", "00000055"]);
      expect(run(ramp, 8, 64, kernel).words.slice(0, 2)).toEqual(["f3f7fbff", "e2e6eaee"]);
    }
  });

  it("an all-zero group: scale −1e-7, bias 0, codes 0", () => {
    expect(run(new Array(32).fill(0), 4, 32, "cpu")).toEqual({ words: ["00000000", "00000000", "00000000", "00000000"], scale: "b3d6bf95", bias: 0 });
  });

  it("MLX's C++ test row 0..127, group 128, 4-bit", () => {
    expect(run(Array.from({ length: 128 }, (_, i) => i), 4, 128, "cpu").words).toEqual(
      "eeefffff dddeeeee ccdddddd bbcccccc abbbbbbb 9aaaaaaa 99999999 88888888 77777777 66666666 55555556 44444445 33333344 22222233 11111222 00000111".split(" "),
    );
  });

  it("where Metal differs from the CPU: an all-negative group (Metal's max starts at 0)", () => {
    const negative = Array.from({ length: 32 }, (_, i) => -1 + i / 62);
    expect(run(negative, 4, 32, "cpu")).toEqual({ words: ["33221100", "77665544", "bbaa9988", "ffeeddcc"], scale: "3d088889", bias: -1 });
    expect(run(negative, 4, 32, "metal")).toEqual({ words: ["21111000", "43333222", "65555444", "77777666"], scale: "3d888889", bias: -1 });
  });

  it("where Metal differs from the CPU: ties (CPU rint to even, Metal round half away)", () => {
    const tie = [0, 15, 12.5, 13.5, 10.5, 1, 2, 3, ...new Array(24).fill(7)];
    expect(run(tie, 4, 32, "cpu")).toMatchObject({ words: ["cde4220f", "88888888", "88888888", "88888888"], scale: "bf800000", bias: 15 });
    expect(run(tie, 4, 32, "metal")).toMatchObject({ words: ["cde5230f", "88888888", "88888888", "88888888"], scale: "bf800000", bias: 15 });
  });
});
