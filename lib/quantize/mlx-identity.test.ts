import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll } from "vitest";
import { normalValues, seededRandom } from "../factory/random";
import { readSafetensorsHeader, type SafetensorsHeader } from "../safetensors/read-header";
import { readTensorBytes } from "../safetensors/read-tensor";
import { writeSafetensors, type TensorToWrite } from "../safetensors/write-safetensors";
import { decodeFloats, encodeFloats, roundArrayToDtype, type FloatTensorDtype } from "../tensor/float-arrays";
import { runPythonScript } from "../testing/python-script";
import { affineQuantize } from "./affine-quantize";
import { affineDequantize } from "./dequantize";
import { errorStats } from "./quantization-error";
import { quantizeSlice, type SliceIO } from "./quantize-slice";
import { createWasmQuantizer } from "./wasm-quantizer";

/**
 * Tensor-for-tensor identity with the real MLX (CPU) of the project venv:
 * every bits × group size × dtype, on random tensors and on the edge cases
 * where a quantizer is most likely to differ. One Python run makes all the
 * references.
 */
const BITS = [2, 3, 4, 5, 6, 8];
const GROUPS = [32, 64, 128];
const DTYPES: FloatTensorDtype[] = ["BF16", "F16", "F32"];

interface Case {
  name: string;
  shape: number[];
  values: Float32Array;
}

function rows(count: number, width: number, fill: (row: number, col: number) => number): Float32Array {
  const out = new Float32Array(count * width);
  for (let r = 0; r < count; r++) for (let c = 0; c < width; c++) out[r * width + c] = fill(r, c);
  return out;
}

/** Values engineered so (w − bias)/scale lands exactly on .5 for `bits`: each 32-block holds 0 and n_bins, scale is −1. */
function ties(bits: number): Float32Array {
  const n = (1 << bits) - 1;
  return rows(4, 128, (r, c) => (c % 32 === 0 ? 0 : c % 32 === 1 ? n : ((c + r * 7) % n) + 0.5));
}

function cases(dtype: FloatTensorDtype): Case[] {
  const random = seededRandom(DTYPES.indexOf(dtype) + 11);
  const big = dtype === "F16" ? 6e4 : 1e30;
  const tiny = dtype === "F16" ? 1e-6 : 1e-30;
  const list: Case[] = [
    { name: "random", shape: [16, 512], values: normalValues(16 * 512, 0.02, random) },
    { name: "experts", shape: [2, 4, 256], values: normalValues(2 * 4 * 256, 0.05, random) },
    {
      name: "row-scales",
      shape: [12, 256],
      values: ((v) => rows(12, 256, (r, c) => (v[r * 256 + c] as number) * (dtype === "F16" ? 2 ** (r * 2 - 14) : 2 ** (r * 3 - 20))))(normalValues(12 * 256, 1, random)),
    },
    {
      name: "outliers",
      shape: [8, 256],
      values: ((v) => rows(8, 256, (r, c) => (random() < 0.02 ? (random() < 0.5 ? -1 : 1) * 0.8 : (v[r * 256 + c] as number))))(normalValues(8 * 256, 0.01, random)),
    },
    { name: "constant", shape: [6, 128], values: rows(6, 128, (r) => [0.5, -0.5, 3, -7, 1e-3, -1e-3][r] as number) },
    { name: "zeros", shape: [2, 128], values: rows(2, 128, (r) => (r === 0 ? 0 : -0)) },
    { name: "negative-extreme", shape: [4, 128], values: rows(4, 128, (r, c) => (c % 32 === 5 ? -5 : ((c * 37 + r) % 11) / 100)) },
    { name: "positive-extreme", shape: [4, 128], values: rows(4, 128, (r, c) => (c % 32 === 9 ? 5 : -((c * 37 + r) % 11) / 100)) },
    { name: "all-negative", shape: [2, 128], values: rows(2, 128, (r, c) => -1 + (c % 32) / 62 - r * 0.25) },
    { name: "all-positive", shape: [2, 128], values: rows(2, 128, (r, c) => 0.25 + ((c * 13) % 32) / 40 + r) },
    { name: "tiny", shape: [4, 128], values: rows(4, 128, (r, c) => ((c * 7 + r) % 9 - 4) * tiny * (r + 1)) },
    { name: "below-eps", shape: [2, 128], values: rows(2, 128, (r, c) => ((c % 5) - 2) * (dtype === "F16" ? 6e-8 : 1e-9)) },
    { name: "huge", shape: [4, 128], values: rows(4, 128, (r, c) => ((c * 5 + r) % 13 - 6) * (big / 6)) },
    { name: "ramp", shape: [2, 128], values: rows(2, 128, (r, c) => Math.fround((c % 64) / 63) - 0.25 * (r + 1)) },
    {
      name: "tie-example",
      shape: [1, 128],
      values: rows(1, 128, (_, c) => [0, 15, 12.5, 13.5, 10.5, 1, 2, 3][c % 32] ?? 7),
    },
    ...BITS.map((b) => ({ name: `ties-${b}`, shape: [4, 128], values: ties(b) })),
  ];
  if (dtype === "F32") list.push({ name: "overflow-range", shape: [1, 128], values: rows(1, 128, (_, c) => (c % 2 ? 3e38 : -3e38)) });
  return list;
}

interface Prepared {
  name: string;
  dtype: FloatTensorDtype;
  shape: number[];
  bytes: Uint8Array;
}

const prepared: Prepared[] = DTYPES.flatMap((dtype) =>
  cases(dtype).map((c) => {
    const values = Float32Array.from(c.values);
    roundArrayToDtype(values, dtype);
    return { name: `${dtype}/${c.name}`, dtype, shape: c.shape, bytes: encodeFloats(values, dtype) };
  }),
);

let dir: string;
let reference: SafetensorsHeader;
let referenceBytes: Map<string, Uint8Array>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "whet-identity-"));
  const inputs: TensorToWrite[] = prepared.map((p) => ({ name: p.name, dtype: p.dtype, shape: p.shape, data: p.bytes }));
  await writeSafetensors(join(dir, "in.safetensors"), inputs);
  const list = prepared.flatMap((p) => BITS.flatMap((bits) => GROUPS.map((group_size) => ({ input: p.name, bits, group_size }))));
  await writeFile(join(dir, "cases.json"), JSON.stringify(list));
  const info = JSON.parse(
    await runPythonScript("quantize_reference.py", [join(dir, "in.safetensors"), join(dir, "out.safetensors"), join(dir, "cases.json")]),
  ) as { device: string; mlx: string };
  expect(info.device).toContain("cpu");
  reference = await readSafetensorsHeader(join(dir, "out.safetensors"));
  referenceBytes = new Map();
  for (const t of reference.tensors) referenceBytes.set(t.name, await readTensorBytes(reference, t.name));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryIO(source: Uint8Array, outputs: Record<"weight" | "scales" | "biases", Uint8Array>): SliceIO {
  return {
    read: (into, at) => into.set(source.subarray(at, at + into.byteLength)),
    write: (part, bytes, at) => outputs[part].set(bytes, at),
  };
}

function ours(p: Prepared, bits: number, groupSize: number, kernel: "cpu" | "metal" = "cpu") {
  const count = p.bytes.byteLength / (p.dtype === "F32" ? 4 : 2);
  const bytesOut = p.dtype === "F32" ? 4 : 2;
  const outputs = {
    weight: new Uint8Array((count * bits) / 8),
    scales: new Uint8Array((count / groupSize) * bytesOut),
    biases: new Uint8Array((count / groupSize) * bytesOut),
  };
  // A small working area forces several chunks per tensor, as large tensors have.
  const q = createWasmQuantizer(1024);
  const sums = quantizeSlice(
    q,
    { name: p.name, shape: p.shape, sourceDtype: p.dtype, modelDtype: p.dtype, bits, groupSize, first: 0, count, kernel },
    memoryIO(p.bytes, outputs),
  );
  return { ...outputs, sums };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("affine quantization is identical to mx.quantize (MLX CPU)", () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: packed weights, scales and biases for every bits × group size and edge case`, () => {
      let compared = 0;
      const mismatches: string[] = [];
      for (const p of prepared.filter((x) => x.dtype === dtype)) {
        for (const bits of BITS) {
          for (const groupSize of GROUPS) {
            const key = `${p.name}|${bits}|${groupSize}`;
            const mine = ours(p, bits, groupSize);
            for (const part of ["weight", "scales", "biases"] as const) {
              const theirs = referenceBytes.get(`${key}|${part}`);
              if (!theirs || hex(theirs) !== hex(mine[part])) mismatches.push(`${key}|${part}`);
              compared++;
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(compared).toBe(prepared.filter((x) => x.dtype === dtype).length * BITS.length * GROUPS.length * 3);
    });
  }

  it("the scalar TypeScript kernel gives the same bytes as the SIMD kernel and MLX", () => {
    for (const p of prepared) {
      const values = decodeFloats(p.bytes, p.dtype);
      for (const bits of BITS) {
        for (const groupSize of GROUPS) {
          const groups = values.length / groupSize;
          const packed = new Uint32Array((values.length * bits) / 32);
          const scales = new Float32Array(groups);
          const biases = new Float32Array(groups);
          expect(affineQuantize(values, bits, groupSize, { packed, scales, biases, group: 0 })).toBe(-1);
          const key = `${p.name}|${bits}|${groupSize}`;
          expect(hex(new Uint8Array(packed.buffer)), key).toBe(hex(referenceBytes.get(`${key}|weight`) as Uint8Array));
          expect(hex(encodeFloats(scales, p.dtype)), key).toBe(hex(referenceBytes.get(`${key}|scales`) as Uint8Array));
          expect(hex(encodeFloats(biases, p.dtype)), key).toBe(hex(referenceBytes.get(`${key}|biases`) as Uint8Array));
        }
      }
    }
  });
});

describe("dequantize is identical to mx.dequantize", () => {
  it("for every dtype, bits, group size and case", () => {
    const mismatches: string[] = [];
    for (const p of prepared) {
      for (const bits of BITS) {
        for (const groupSize of GROUPS) {
          const key = `${p.name}|${bits}|${groupSize}`;
          const weight = referenceBytes.get(`${key}|weight`) as Uint8Array;
          const restored = affineDequantize({
            packed: new Uint32Array(weight.buffer, weight.byteOffset, weight.byteLength / 4),
            scales: decodeFloats(referenceBytes.get(`${key}|scales`) as Uint8Array, p.dtype),
            biases: decodeFloats(referenceBytes.get(`${key}|biases`) as Uint8Array, p.dtype),
            bits,
            groupSize,
            dtype: p.dtype,
          });
          if (hex(encodeFloats(restored, p.dtype)) !== hex(referenceBytes.get(`${key}|dequantized`) as Uint8Array)) mismatches.push(key);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe("the quality report measures what mx.dequantize gives back", () => {
  it("RMSE, max abs error and SNR equal those computed from MLX's dequantized tensors", () => {
    for (const p of prepared.filter((x) => /random|outliers|experts/.test(x.name))) {
      for (const bits of [2, 4, 8]) {
        const key = `${p.name}|${bits}|64`;
        const mine = errorStats(ours(p, bits, 64).sums);
        const source = decodeFloats(p.bytes, p.dtype);
        const restored = decodeFloats(referenceBytes.get(`${key}|dequantized`) as Uint8Array, p.dtype);
        let se = 0;
        let ss = 0;
        let max = 0;
        for (let i = 0; i < source.length; i++) {
          const e = (restored[i] as number) - (source[i] as number);
          se += e * e;
          ss += (source[i] as number) ** 2;
          max = Math.max(max, Math.abs(e));
        }
        expect(mine.rmse / Math.sqrt(se / source.length), key).toBeCloseTo(1, 5);
        expect(mine.maxAbsError, key).toBeCloseTo(max, 12);
        expect(mine.snrDb, key).toBeCloseTo(10 * Math.log10(ss / se), 4);
      }
    }
  });
});

describe("non-finite weights", () => {
  for (const [label, value, shown] of [["NaN", Number.NaN, "NaN"], ["+inf", Infinity, "\\+Infinity"], ["-inf", -Infinity, "-Infinity"]] as const) {
    it(`refuses ${label} with an error naming the tensor and the position`, () => {
      for (const dtype of DTYPES) {
        const values = normalValues(4 * 128, 0.02, seededRandom(3));
        values[2 * 128 + 77] = value;
        const p: Prepared = { name: "model.layers.3.mlp.up_proj.weight", dtype, shape: [4, 128], bytes: encodeFloats(values, dtype) };
        expect(() => ours(p, 4, 64)).toThrowError(new RegExp(`Tensor 'model.layers.3.mlp.up_proj.weight' holds ${shown} at \\[2, 77\\]`));
      }
    });
  }
});
