import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { readSafetensorsHeader } from "./read-header";
import { writeSafetensors } from "./write-safetensors";

const tempDir = useTempDirs();

/** A file with an arbitrary header text and `dataBytes` bytes of data. */
async function craft(header: string | Buffer, dataBytes = 0, lengthOverride?: bigint): Promise<string> {
  const file = join(await tempDir(), "x.safetensors");
  const body = Buffer.isBuffer(header) ? header : Buffer.from(header);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(lengthOverride ?? BigInt(body.length));
  await writeFile(file, Buffer.concat([prefix, body, Buffer.alloc(dataBytes)]));
  return file;
}

const entry = (dtype: string, shape: number[], begin: number, end: number) =>
  ({ dtype, shape, data_offsets: [begin, end] });

describe("readSafetensorsHeader", () => {
  it("reads what the writer wrote, without reading tensor data", async () => {
    const file = join(await tempDir(), "ok.safetensors");
    await writeSafetensors(file, [
      { name: "b", dtype: "BF16", shape: [2, 3], data: new Uint8Array(12) },
      { name: "a", dtype: "U32", shape: [4], data: new Uint8Array(16) },
      { name: "empty", dtype: "F32", shape: [0, 5], data: new Uint8Array(0) },
    ]);
    const header = await readSafetensorsHeader(file);
    expect(header.metadata).toEqual({ format: "mlx" });
    expect(header.tensors.map((t) => [t.name, t.dtype, t.shape, t.begin, t.end])).toEqual([
      ["a", "U32", [4], 12, 28],
      ["b", "BF16", [2, 3], 0, 12],
      ["empty", "F32", [0, 5], 28, 28],
    ]);
    expect(header.bytesRead).toBe(8 + header.headerSize);
    expect(header.fileSize).toBe(header.dataStart + 28);
  });

  it("accepts space padding and a null __metadata__", async () => {
    const json = JSON.stringify({ __metadata__: null, t: entry("F16", [2], 0, 4) });
    const header = await readSafetensorsHeader(await craft(`${json}    `, 4));
    expect(header.metadata).toBeNull();
    expect(header.tensors).toHaveLength(1);
  });

  const cases: [string, () => Promise<string>, string, RegExp][] = [
    ["a file shorter than 8 bytes", async () => {
      const file = join(await tempDir(), "tiny.safetensors");
      await writeFile(file, Buffer.from([1, 2, 3]));
      return file;
    }, "safetensors_too_small", /smaller than the 8-byte header length/],
    ["a zero header length", () => craft("", 0, 0n), "safetensors_header_empty", /header length is 0/],
    ["a header over the cap", () => craft("{}", 0, 200_000_000n), "safetensors_header_too_large", /exceeds the 100000000-byte limit/],
    ["a header longer than the file", () => craft("{}", 0, 50n), "safetensors_header_truncated", /header claims 50 bytes/],
    ["invalid UTF-8", () => craft(Buffer.from([0x7b, 0xff, 0x7d])), "safetensors_invalid_json", /not valid UTF-8/],
    ["invalid JSON", () => craft("{not json}"), "safetensors_invalid_json", /not valid JSON/],
    ["a JSON array", () => craft("[1,2]"), "safetensors_invalid_json", /not a JSON object/],
    ["non-string metadata", () => craft(JSON.stringify({ __metadata__: { a: 1 } })), "safetensors_invalid_metadata", /__metadata__\.a is not a string/],
    ["an entry that is not an object", () => craft(JSON.stringify({ t: 5 })), "safetensors_invalid_tensor", /tensor 't': entry is not an object/],
    ["a missing dtype", () => craft(JSON.stringify({ t: { shape: [1], data_offsets: [0, 1] } }), 1), "safetensors_invalid_tensor", /dtype is missing/],
    ["an unknown dtype", () => craft(JSON.stringify({ t: entry("F128", [1], 0, 16) }), 16), "safetensors_unknown_dtype", /unknown dtype 'F128'/],
    ["a bad shape", () => craft(JSON.stringify({ t: entry("F32", [-1], 0, 4) }), 4), "safetensors_invalid_tensor", /shape is not a list/],
    ["reversed offsets", () => craft(JSON.stringify({ t: entry("F32", [1], 4, 0) }), 4), "safetensors_invalid_tensor", /data_offsets is not a pair/],
    ["shape × dtype not matching the span", () => craft(JSON.stringify({ t: entry("F32", [3], 0, 8) }), 8), "safetensors_size_mismatch", /needs 12 bytes but its span is 8/],
    ["a span past the end of the file", () => craft(JSON.stringify({ t: entry("F32", [4], 0, 16) }), 8), "safetensors_offset_out_of_bounds", /ends at byte 16 of the data but the data holds only 8/],
    ["overlapping spans", () => craft(JSON.stringify({ a: entry("F32", [2], 0, 8), b: entry("F32", [2], 4, 12) }), 12), "safetensors_overlap", /'a' and 'b' overlap/],
    ["a hole between spans", () => craft(JSON.stringify({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 8, 12) }), 12), "safetensors_gap", /4 unused bytes before tensor 'b'/],
    ["trailing bytes", () => craft(JSON.stringify({ a: entry("F32", [1], 0, 4) }), 10), "safetensors_trailing_bytes", /6 bytes after the last tensor/],
  ];

  for (const [what, make, code, message] of cases) {
    it(`refuses ${what} with a typed error naming the file`, async () => {
      const file = await make();
      const error = await readSafetensorsHeader(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code, details: { file } });
      expect((error as Error).message).toMatch(/^(x|tiny)\.safetensors: /);
      expect((error as Error).message).toMatch(message);
      expect((error as { hint: string }).hint.length).toBeGreaterThan(10);
    });
  }
});
