/**
 * A small GGUF writer for tests and the fuzz drill: little-endian, version 3
 * unless told, tensor data aligned to 32 bytes. It also returns where each
 * count, length and type lies, so the drill can damage one field at a time.
 */
export type GgufValue =
  | { type: "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64"; value: number }
  | { type: "uint64" | "int64"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; element: GgufValue["type"]; items: GgufValue[] };

export interface GgufTensor {
  name: string;
  dims: number[];
  /** ggml type id (0 F32, 1 F16, 8 Q8_0, …). */
  type: number;
  data: Buffer;
}

/** A field of the header: its name, byte offset and width (4 or 8). */
export interface GgufField {
  name: string;
  at: number;
  size: 4 | 8;
}

const TYPE_IDS: Record<GgufValue["type"], number> = {
  uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12,
};
const ALIGNMENT = 32;

export function encodeGguf(options: { metadata: [string, GgufValue][]; tensors: GgufTensor[]; version?: number }): { bytes: Buffer; fields: GgufField[] } {
  // One buffer grown by doubling: a file of 100k small values stays one allocation, not 100k.
  let out = Buffer.alloc(1024);
  const fields: GgufField[] = [];
  let length = 0;
  const room = (n: number) => {
    if (length + n <= out.length) return;
    const grown = Buffer.alloc(Math.max(out.length * 2, length + n));
    out.copy(grown, 0, 0, length);
    out = grown;
  };
  const push = (buffer: Buffer) => {
    room(buffer.length);
    buffer.copy(out, length);
    length += buffer.length;
  };
  const u32 = (value: number, name?: string) => {
    if (name) fields.push({ name, at: length, size: 4 });
    room(4);
    length = out.writeUInt32LE(value, length);
  };
  const u64 = (value: bigint, name?: string) => {
    if (name) fields.push({ name, at: length, size: 8 });
    room(8);
    length = out.writeBigUInt64LE(value, length);
  };
  const string = (text: string, name: string) => {
    const size = Buffer.byteLength(text, "utf8");
    u64(BigInt(size), name ? `${name} length` : undefined);
    room(size);
    length += out.write(text, length, "utf8");
  };
  const scratch = Buffer.alloc(8);
  const payload = (value: GgufValue, name: string): void => {
    const b = scratch;
    switch (value.type) {
      case "uint8": b.writeUInt8(value.value); return push(b.subarray(0, 1));
      case "int8": b.writeInt8(value.value); return push(b.subarray(0, 1));
      case "uint16": b.writeUInt16LE(value.value); return push(b.subarray(0, 2));
      case "int16": b.writeInt16LE(value.value); return push(b.subarray(0, 2));
      case "uint32": b.writeUInt32LE(value.value); return push(b.subarray(0, 4));
      case "int32": b.writeInt32LE(value.value); return push(b.subarray(0, 4));
      case "float32": b.writeFloatLE(value.value); return push(b.subarray(0, 4));
      case "float64": b.writeDoubleLE(value.value); return push(b);
      case "uint64": b.writeBigUInt64LE(value.value); return push(b);
      case "int64": b.writeBigInt64LE(value.value); return push(b);
      case "bool": b.writeUInt8(value.value ? 1 : 0); return push(b.subarray(0, 1));
      case "string": return string(value.value, name);
      case "array":
        u32(TYPE_IDS[value.element], name ? `${name} element type` : undefined);
        u64(BigInt(value.items.length), name ? `${name} count` : undefined);
        value.items.forEach((item, i) => payload(item, i === 0 ? `${name} item` : ""));
    }
  };

  push(Buffer.from("GGUF", "latin1"));
  u32(options.version ?? 3, "version");
  u64(BigInt(options.tensors.length), "tensor count");
  u64(BigInt(options.metadata.length), "metadata count");
  options.metadata.forEach(([key, value], i) => {
    string(key, `key ${i + 1}`);
    u32(TYPE_IDS[value.type], `value type ${i + 1}`);
    payload(value, `value ${i + 1}`);
  });
  let offset = 0;
  const offsets = options.tensors.map((t) => {
    const at = offset;
    offset += Math.ceil(t.data.length / ALIGNMENT) * ALIGNMENT;
    return at;
  });
  options.tensors.forEach((tensor, i) => {
    string(tensor.name, `tensor ${i + 1} name`);
    u32(tensor.dims.length, `tensor ${i + 1} dimension count`);
    tensor.dims.forEach((d, k) => u64(BigInt(d), k === 0 ? `tensor ${i + 1} first dimension` : undefined));
    u32(tensor.type, `tensor ${i + 1} type`);
    u64(BigInt(offsets[i] as number), `tensor ${i + 1} offset`);
  });
  push(Buffer.alloc((ALIGNMENT - (length % ALIGNMENT)) % ALIGNMENT));
  options.tensors.forEach((tensor) => push(Buffer.concat([tensor.data, Buffer.alloc((ALIGNMENT - (tensor.data.length % ALIGNMENT)) % ALIGNMENT)])));
  return { bytes: out.subarray(0, length), fields };
}

/** A tiny llama-shaped GGUF: F32 norms, F16 and Q8_0 weights, a 64-token vocabulary and an array of arrays. */
export function tinyGguf(): { bytes: Buffer; fields: GgufField[] } {
  const tokens = Array.from({ length: 64 }, (_, i) => ({ type: "string" as const, value: i < 3 ? ["<s>", "</s>", "<unk>"][i] as string : `tok${i}` }));
  return encodeGguf({
    metadata: [
      ["general.architecture", { type: "string", value: "llama" }],
      ["general.name", { type: "string", value: "Tiny Llama" }],
      ["general.file_type", { type: "uint32", value: 7 }],
      ["llama.context_length", { type: "uint32", value: 2048 }],
      ["llama.embedding_length", { type: "uint32", value: 32 }],
      ["llama.rope.freq_base", { type: "float32", value: 10000 }],
      ["tokenizer.ggml.model", { type: "string", value: "llama" }],
      ["tokenizer.ggml.tokens", { type: "array", element: "string", items: tokens }],
      ["tokenizer.ggml.scores", { type: "array", element: "float32", items: tokens.map((_, i) => ({ type: "float32" as const, value: -i })) }],
      ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
      ["fuzz.pairs", { type: "array", element: "array", items: [1, 2].map((n) => ({ type: "array" as const, element: "uint64" as const, items: [{ type: "uint64" as const, value: BigInt(n) }] })) }],
    ],
    tensors: [
      { name: "token_embd.weight", dims: [32, 64], type: 8, data: Buffer.alloc(64 * 34) },
      { name: "blk.0.attn_norm.weight", dims: [32], type: 0, data: Buffer.alloc(32 * 4) },
      { name: "output.weight", dims: [32, 64], type: 1, data: Buffer.alloc(32 * 64 * 2) },
    ],
  });
}
