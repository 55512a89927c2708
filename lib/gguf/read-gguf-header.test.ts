import { execFileSync } from "node:child_process";
import { mkdir, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isWhetError } from "../errors";
import { modelFolder } from "../fs/model-folder";
import { encodeGguf, tinyGguf, type GgufValue } from "../testing/encode-gguf";
import { runPython } from "../testing/python";
import { useTempDirs } from "../testing/temp-dir";
import { readGgufHeader } from "./read-gguf-header";

const tempDir = useTempDirs();

/** Writes `bytes` as model.gguf in a fresh folder and reads its header; returns the summary or the WhetError's code and message. */
async function read(bytes: Buffer) {
  const dir = await tempDir();
  await writeFile(join(dir, "model.gguf"), bytes);
  return readGgufHeader(await modelFolder(dir), "model.gguf");
}

async function refusal(bytes: Buffer): Promise<{ code: string; message: string; ms: number; heapGrowth: number }> {
  const heap = process.memoryUsage().heapUsed;
  const started = performance.now();
  try {
    await read(bytes);
  } catch (error) {
    if (!isWhetError(error)) throw error;
    return { code: error.code, message: error.message, ms: performance.now() - started, heapGrowth: process.memoryUsage().heapUsed - heap };
  }
  throw new Error("the header was accepted");
}

/** The tiny GGUF with one header field overwritten. */
function withField(name: string, value: bigint): Buffer {
  const { bytes, fields } = tinyGguf();
  const field = fields.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  const out = Buffer.from(bytes);
  if (field.size === 4) out.writeUInt32LE(Number(value), field.at);
  else out.writeBigUInt64LE(value, field.at);
  return out;
}

describe("readGgufHeader", () => {
  it("reads a GGUF written by MLX's own writer (mx.save_gguf): architecture, name, context length, file type, tensors", async () => {
    const dir = await tempDir();
    await runPython(
      `import sys, mlx.core as mx
mx.save_gguf(sys.argv[1], {"token_embd.weight": mx.zeros((64, 32), dtype=mx.float16), "blk.0.attn_norm.weight": mx.zeros((32,), dtype=mx.float32), "output.weight": mx.zeros((64, 32), dtype=mx.float16)}, {
  "general.architecture": "qwen2", "general.name": "Independent", "general.file_type": mx.array(1, dtype=mx.uint32),
  "qwen2.context_length": mx.array(32768, dtype=mx.uint32),
  "tokenizer.ggml.tokens": ["t%d" % i for i in range(5000)], "tokenizer.ggml.token_type": mx.array([1] * 5000, dtype=mx.int32)})`,
      [join(dir, "model.gguf")],
    );
    const summary = await readGgufHeader(await modelFolder(dir), "model.gguf");
    expect(summary).toMatchObject({
      version: 3,
      architecture: "qwen2",
      name: "Independent",
      contextLength: 32768,
      fileType: 1,
      fileTypeName: "F16",
      quantization: "F16",
      tensorTypes: { F16: 2, F32: 1 },
      tensorCount: 3,
      parameterCount: 64 * 32 * 2 + 32,
      metadataKeyCount: 6,
      alignment: 32,
    });
    expect(summary.dataStart % 32).toBe(0);
    // The 5000-token vocabulary was stepped over, not kept, and no tensor data was read.
    expect(summary.bytesRead).toBeLessThanOrEqual(summary.fileSize);
  });

  it("reads the drill's own writer's file: Q8_0 file type, a nested array stepped over", async () => {
    const summary = await read(tinyGguf().bytes);
    expect(summary).toMatchObject({ architecture: "llama", name: "Tiny Llama", contextLength: 2048, fileTypeName: "Q8_0", tensorTypes: { Q8_0: 1, F32: 1, F16: 1 }, parameterCount: 32 * 64 * 2 + 32, metadataKeyCount: 11, alignment: 32 });
  });

  it("keeps names displayable: control and text-direction characters become ?, long ones are cut", async () => {
    const { bytes } = encodeGguf({ metadata: [["general.architecture", { type: "string", value: "llama" }], ["general.name", { type: "string", value: `\u001b[31mred\u202e${"x".repeat(500)}` }]], tensors: [] });
    const summary = await read(bytes);
    expect(summary.name).toBe(`?[31mred?${"x".repeat(191)}`);
  });

  it.each([
    ["a huge metadata count", "metadata count", 2n ** 62n, "gguf_invalid_header"],
    ["a metadata count the file cannot hold", "metadata count", 60_000n, "gguf_invalid_header"],
    ["a huge tensor count", "tensor count", 2n ** 64n - 1n, "gguf_invalid_header"],
    ["a huge key length", "key 1 length", 2n ** 63n, "gguf_invalid_header"],
    ["a string longer than the file", "value 2 length", 1_000_000n, "gguf_truncated"],
    ["a huge array count", "value 8 count", 2n ** 61n, "gguf_truncated"],
    ["an unknown value type", "value type 3", 13n, "gguf_invalid_header"],
    ["version 1", "version", 1n, "gguf_unsupported_version"],
    ["big-endian", "version", 0x03000000n, "gguf_unsupported_version"],
    ["five dimensions", "tensor 1 dimension count", 5n, "gguf_invalid_header"],
    ["a dimension product past 2^53", "tensor 1 first dimension", 2n ** 60n, "gguf_invalid_header"],
    ["an unknown ggml type", "tensor 2 type", 4n, "gguf_unknown_tensor_type"],
    ["a misaligned offset", "tensor 3 offset", 7n, "gguf_invalid_header"],
    ["an offset past the end", "tensor 3 offset", 2n ** 40n, "gguf_truncated"],
  ])("refuses %s quickly, in bounded memory, without quoting the file", async (_, field, value, code) => {
    const result = await refusal(withField(field, value));
    expect(result.code).toBe(code);
    expect(result.ms).toBeLessThan(500);
    expect(result.heapGrowth).toBeLessThan(32 * 2 ** 20);
    expect(result.message).toMatch(/^model\.gguf: /);
    expect(result.message).not.toMatch(/llama|tok\d|token_embd/);
  });

  it("refuses arrays nested past 4 deep, wrong magic and a truncated file", async () => {
    let value: GgufValue = { type: "uint8", value: 1 };
    for (let depth = 0; depth < 6; depth++) value = { type: "array", element: value.type, items: [value] };
    expect((await refusal(encodeGguf({ metadata: [["deep", value]], tensors: [] }).bytes)).code).toBe("gguf_invalid_header");
    const wrongMagic = Buffer.from(tinyGguf().bytes);
    wrongMagic.write("GGML", 0, "latin1");
    expect((await refusal(wrongMagic)).code).toBe("gguf_not_gguf");
    const { bytes, fields } = tinyGguf();
    const inVocabulary = (fields.find((f) => f.name === "value 8 count")?.at ?? 0) + 100;
    expect((await refusal(bytes.subarray(0, inVocabulary))).code).toBe("gguf_truncated");
    expect((await refusal(bytes.subarray(0, 3))).code).toBe("gguf_not_gguf");
    expect((await refusal(bytes.subarray(0, bytes.length - 10))).code).toBe("gguf_truncated");
  });

  it("steps over millions of strings or small arrays quickly, and stops at the 64 MiB header limit", async () => {
    const cases = [["string", 7_000_000, null], ["string", 10_000_000, "gguf_header_too_large"], ["array", 5_000_000, null], ["array", 6_000_000, "gguf_header_too_large"]] as const;
    for (const [element, count, code] of cases) {
      const dir = await tempDir();
      const { bytes, fields } = encodeGguf({ metadata: [["general.architecture", { type: "string", value: "llama" }], ["tokenizer.ggml.tokens", { type: "array", element, items: [] }]], tensors: [] });
      const countAt = fields.find((f) => f.name === "value 2 count")?.at as number;
      const header = Buffer.from(bytes.subarray(0, countAt + 8));
      header.writeBigUInt64LE(BigInt(count), countAt);
      const file = join(dir, "model.gguf");
      await writeFile(file, header);
      // Sparse: the zeros after the header read as `count` empty strings, or empty arrays of uint8.
      await truncate(file, 80 * 2 ** 20);
      const heap = process.memoryUsage().heapUsed;
      const started = performance.now();
      const result = await readGgufHeader(await modelFolder(dir), "model.gguf").then((summary) => summary.architecture, (error: unknown) => (isWhetError(error) ? error.code : error));
      expect(result).toBe(code ?? "llama");
      expect(performance.now() - started).toBeLessThan(3000);
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(32 * 2 ** 20);
    }
  });

  it("does not open a FIFO or a link out of the folder named model.gguf", async () => {
    const dir = await tempDir();
    const outside = await tempDir();
    await mkdir(join(dir, "a"));
    execFileSync("mkfifo", [join(dir, "a", "model.gguf")]);
    await writeFile(join(outside, "real.gguf"), tinyGguf().bytes);
    await mkdir(join(dir, "b"));
    await symlink(join(outside, "real.gguf"), join(dir, "b", "model.gguf"));
    for (const [sub, reason] of [["a", "not-regular-file"], ["b", "link-outside"]] as const) {
      const error = await readGgufHeader(await modelFolder(join(dir, sub)), "model.gguf").catch((e: unknown) => e);
      expect(isWhetError(error) && error.code).toBe("unsafe_file");
      expect(isWhetError(error) && error.details.reason).toBe(reason);
    }
  });
});
