import type { FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { WhetError } from "../errors";
import { openModelFile, type ModelFolder } from "../fs/model-folder";
import { fileTypeName, GGML_TYPES } from "./ggml-types";

/**
 * Bounds on what a GGUF header may ask of the reader, each checked before it
 * sizes a loop or an allocation. Real headers (a 256k-token vocabulary with
 * merges) stay well under 64 MiB; llama.cpp itself refuses tensor names of 64
 * bytes or more and tensors of more than 4 dimensions.
 */
/** GGUF files read per folder: a repo of one model in many quantizations has a dozen; more is not read. */
export const MAX_GGUF_FILES = 16;

export const GGUF_LIMITS = {
  headerBytes: 64 * 2 ** 20,
  metadataKeys: 65_536,
  tensors: 1_000_000,
  stringBytes: 2 ** 20,
  keyBytes: 65_535,
  tensorNameBytes: 63,
  arrayDepth: 4,
  dims: 4,
} as const;

/** What Whetstone shows of a GGUF file; large metadata (the vocabulary, merges) is skipped, never kept. */
export interface GgufSummary {
  file: string;
  fileSize: number;
  version: 2 | 3;
  /** `general.architecture`, e.g. "llama". */
  architecture: string | null;
  /** `general.name`. */
  name: string | null;
  /** `<architecture>.context_length`. */
  contextLength: number | null;
  /** `general.file_type` (llama.cpp's `llama_ftype`) and its name, e.g. 15 and "Q4_K_M". */
  fileType: number | null;
  fileTypeName: string | null;
  /** The file type's name, else the ggml type most tensors use. */
  quantization: string | null;
  /** ggml type name → how many tensors use it. */
  tensorTypes: Record<string, number>;
  tensorCount: number;
  parameterCount: number;
  metadataKeyCount: number;
  alignment: number;
  /** Absolute offset of the tensor data: the header's end, aligned. */
  dataStart: number;
  /** Bytes this read took from disk. */
  bytesRead: number;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
/** Big enough for the longest string kept or stepped over in one read, plus its length. */
const WINDOW_BYTES = GGUF_LIMITS.stringBytes + 64 * 1024;
/** A string, bool, key and value type: the fewest bytes a metadata entry can take; a tensor info likewise. */
const MIN_ENTRY_BYTES = 13;
const MIN_TENSOR_INFO_BYTES = 24;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
/** Name length and name, dimension count, 4 dimensions, type and offset. */
const MAX_TENSOR_INFO_BYTES = 8 + GGUF_LIMITS.tensorNameBytes + 4 + 8 * GGUF_LIMITS.dims + 4 + 8;

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const TYPE = { string: 8, array: 9 } as const;
/** GGUF metadata value types with a fixed size: uint8 … float64 and bool. */
const SCALAR_BYTES: ReadonlyMap<number, number> = new Map([
  [0, 1], [1, 1], [2, 2], [3, 2], [4, 4], [5, 4], [6, 4], [7, 1], [10, 8], [11, 8], [12, 8],
]);

const REDOWNLOAD = "The file is damaged or not a GGUF file: download or copy it again.";
const TRUNCATED_HINT = "The file is truncated (an interrupted download or copy): fetch it again.";

function fail(file: string, code: string, problem: string, hint = REDOWNLOAD): never {
  throw new WhetError(code, `${basename(file)}: ${problem}`, hint, { file });
}

/** Kept strings are shown in a terminal and a page: no control or text-direction characters, and short. */
function displayable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, "?").slice(0, 200);
}

/**
 * A read position over the file with one bounded window: a value is read
 * only after `need` made sure its bytes are inside the header limit and the
 * file, so a declared length can never size an allocation by itself.
 */
function cursor(handle: FileHandle, file: string, fileSize: number) {
  const limit = Math.min(fileSize, GGUF_LIMITS.headerBytes);
  const window = Buffer.alloc(Math.min(WINDOW_BYTES, limit));
  let windowStart = 0;
  let windowLength = 0;
  let pos = 0;
  let bytesRead = 0;

  const outOfBounds = (n: number | bigint, what: string): never => {
    if (BigInt(pos) + BigInt(n) > BigInt(fileSize)) fail(file, "gguf_truncated", `the file ends inside ${what}`, TRUNCATED_HINT);
    return fail(file, "gguf_header_too_large", `the header runs past the ${GGUF_LIMITS.headerBytes}-byte limit Whetstone reads`);
  };
  const check = (n: number | bigint, what: string) => {
    if (typeof n === "number" ? pos + n > limit : BigInt(pos) + n > BigInt(limit)) outOfBounds(n, what);
  };
  const has = (n: number) => pos >= windowStart && pos + n <= windowStart + windowLength;
  const fill = async (n: number, what: string) => {
    check(n, what);
    const size = Math.min(window.length, limit - pos);
    let got = 0;
    while (got < size) {
      const { bytesRead: read } = await handle.read(window, got, size - got, pos + got);
      if (read === 0) break;
      got += read;
    }
    bytesRead += got;
    windowStart = pos;
    windowLength = got;
    // The file shrank since fstat.
    if (got < n) fail(file, "gguf_truncated", `the file ends inside ${what}`, TRUNCATED_HINT);
  };
  const at = async (n: number, what: string) => {
    if (!has(n)) await fill(n, what);
    const offset = pos - windowStart;
    pos += n;
    return offset;
  };
  /** `at` for bytes `prefetch` brought in: past the window means past the header limit or the file. */
  const atNow = (n: number, what: string) => {
    if (!has(n)) {
      check(n, what);
      fail(file, "gguf_truncated", `the file ends inside ${what}`, TRUNCATED_HINT);
    }
    const offset = pos - windowStart;
    pos += n;
    return offset;
  };

  return {
    get pos() {
      return pos;
    },
    get bytesRead() {
      return bytesRead;
    },
    remaining: () => limit - pos,
    /** Fails unless `n` more bytes lie inside the header limit and the file. */
    need: check,
    /** Brings the next `n` bytes (or all that is left below the limit) into the window, for the `…Now` reads; null when they are there. */
    prefetch(n: number, what: string): Promise<void> | null {
      const want = Math.min(n, limit - pos);
      return want > 0 && !has(want) ? fill(want, what) : null;
    },
    u32Now(what: string) {
      return window.readUInt32LE(atNow(4, what));
    },
    u64Now(what: string) {
      return window.readBigUInt64LE(atNow(8, what));
    },
    textNow(max: number, what: string): string {
      const length = window.readBigUInt64LE(atNow(8, what));
      if (length > BigInt(max)) fail(file, "gguf_invalid_header", `${what} declares ${length} bytes, over the ${max}-byte limit`);
      const offset = atNow(Number(length), what);
      try {
        return UTF8.decode(window.subarray(offset, offset + Number(length)));
      } catch {
        return fail(file, "gguf_invalid_header", `${what} is not valid UTF-8`);
      }
    },
    async u32(what: string) {
      return window.readUInt32LE(await at(4, what));
    },
    async u64(what: string) {
      return window.readBigUInt64LE(await at(8, what));
    },
    async scalar(type: number, what: string): Promise<number | bigint | boolean> {
      const offset = await at(SCALAR_BYTES.get(type) as number, what);
      switch (type) {
        case 0: return window.readUInt8(offset);
        case 1: return window.readInt8(offset);
        case 2: return window.readUInt16LE(offset);
        case 3: return window.readInt16LE(offset);
        case 4: return window.readUInt32LE(offset);
        case 5: return window.readInt32LE(offset);
        case 6: return window.readFloatLE(offset);
        case 7: return window.readUInt8(offset) !== 0;
        case 10: return window.readBigUInt64LE(offset);
        case 11: return window.readBigInt64LE(offset);
        default: return window.readDoubleLE(offset);
      }
    },
    /** A string's bytes (after its u64 length), at most `max`; decoded as UTF-8 when `decode`, else stepped over. */
    async string(max: number, decode: boolean, what: string): Promise<string | null> {
      const length = await this.u64(what);
      if (length > BigInt(max)) fail(file, "gguf_invalid_header", `${what} declares ${length} bytes, over the ${max}-byte limit`);
      const n = Number(length);
      if (!decode) {
        this.skip(n, what);
        return null;
      }
      const offset = await at(n, what);
      try {
        return UTF8.decode(window.subarray(offset, offset + n));
      } catch {
        return fail(file, "gguf_invalid_header", `${what} is not valid UTF-8`);
      }
    },
    /** An array's element type and count when both are already in the window (else null, nothing read). */
    arrayHeadInWindow(): { element: number; count: bigint } | null {
      if (!has(12)) return null;
      const offset = pos - windowStart;
      pos += 12;
      return { element: window.readUInt32LE(offset), count: window.readBigUInt64LE(offset + 4) };
    },
    /**
     * Steps over `count` strings of at most `max` bytes each: a vocabulary of millions of
     * tokens, so the lengths are read straight from the window, awaiting only to refill it.
     */
    async skipStrings(count: number, max: number, what: string) {
      for (let i = 0; i < count; i++) {
        if (!has(8)) await fill(8, what);
        const offset = pos - windowStart;
        const length = window.readUInt32LE(offset);
        if (window.readUInt32LE(offset + 4) !== 0 || length > max) {
          fail(file, "gguf_invalid_header", `a string in ${what} declares more than the ${max}-byte limit`);
        }
        pos += 8;
        check(length, what);
        pos += length;
      }
    },
    skip(n: number | bigint, what: string) {
      check(n, what);
      pos += Number(n);
    },
  };
}

type Cursor = ReturnType<typeof cursor>;

/** Metadata Whetstone keeps; everything else is stepped over. */
function isKept(key: string): boolean {
  return key === "general.architecture" || key === "general.name" || key === "general.alignment" || key === "general.file_type" || key.endsWith(".context_length");
}

/** Steps over one metadata value of `type` (or reads it, for a kept scalar or string), arrays nested at most GGUF_LIMITS.arrayDepth deep. */
async function readValue(c: Cursor, file: string, type: number, depth: number, keep: boolean, what: string): Promise<unknown> {
  const scalar = SCALAR_BYTES.get(type);
  if (scalar !== undefined) {
    if (keep) return c.scalar(type, what);
    c.skip(scalar, what);
    return undefined;
  }
  if (type === TYPE.string) return c.string(GGUF_LIMITS.stringBytes, keep, what);
  if (type !== TYPE.array) fail(file, "gguf_invalid_header", `${what} has unknown value type ${type}`);
  if (depth >= GGUF_LIMITS.arrayDepth) fail(file, "gguf_invalid_header", `${what} nests arrays more than ${GGUF_LIMITS.arrayDepth} deep`);
  await skipArray(c, file, await c.u32(what), await c.u64(what), depth, what);
  return undefined;
}

/** Steps over the elements of an array (its element type and count already read). */
async function skipArray(c: Cursor, file: string, element: number, count: bigint, depth: number, what: string): Promise<void> {
  const elementBytes = SCALAR_BYTES.get(element) ?? (element === TYPE.string ? 8 : element === TYPE.array ? 12 : null);
  if (elementBytes === null) fail(file, "gguf_invalid_header", `${what} is an array of unknown value type ${element}`);
  // The fewest bytes `count` elements can take must fit in what is left of the header.
  c.need(count * BigInt(elementBytes), what);
  if (SCALAR_BYTES.has(element)) c.skip(count * BigInt(elementBytes), what);
  else if (element === TYPE.string) await c.skipStrings(Number(count), GGUF_LIMITS.stringBytes, what);
  else {
    for (let i = 0; i < Number(count); i++) {
      if (depth + 1 >= GGUF_LIMITS.arrayDepth) fail(file, "gguf_invalid_header", `${what} nests arrays more than ${GGUF_LIMITS.arrayDepth} deep`);
      // Millions of small arrays: those of scalars whose heads are in the window are stepped over without a promise each.
      const inner = c.arrayHeadInWindow();
      const size = inner === null ? undefined : SCALAR_BYTES.get(inner.element);
      if (inner !== null && size !== undefined) c.skip(inner.count * BigInt(size), what);
      else if (inner !== null) await skipArray(c, file, inner.element, inner.count, depth + 1, what);
      else await skipArray(c, file, await c.u32(what), await c.u64(what), depth + 1, what);
    }
  }
}

function asCount(file: string, value: unknown, key: string): number {
  const n = typeof value === "bigint" ? value : typeof value === "number" && Number.isInteger(value) ? BigInt(value) : null;
  if (n === null || n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) fail(file, "gguf_invalid_metadata", `${key} is not a non-negative whole number`);
  return Number(n);
}

function asText(file: string, value: unknown, key: string): string {
  if (typeof value !== "string") fail(file, "gguf_invalid_metadata", `${key} is not a string`);
  return displayable(value);
}

/** Reads the header of a GGUF file already opened (by the model folder's safe reader); `file` names it in errors. */
export async function readGgufHeaderFrom(handle: FileHandle, file: string): Promise<GgufSummary> {
  const { size: fileSize } = await handle.stat();
  const c = cursor(handle, file, fileSize);
  if (fileSize < 4) fail(file, "gguf_not_gguf", `the file is ${fileSize} bytes, too short for the GGUF magic`);
  if ((await c.u32("the magic")) !== MAGIC) fail(file, "gguf_not_gguf", "the file does not start with the GGUF magic", "The file is not a GGUF model (or is damaged): download or convert it again.");
  const version = await c.u32("the version");
  if (version === 0x02000000 || version === 0x03000000) {
    fail(file, "gguf_unsupported_version", "the file is big-endian GGUF; Whetstone reads little-endian GGUF only", "Use the little-endian GGUF of the model (the usual download).");
  }
  if (version !== 2 && version !== 3) {
    fail(file, "gguf_unsupported_version", `GGUF version ${version} is not supported (versions 2 and 3 are)`, "Convert the model again with a current llama.cpp (its convert_hf_to_gguf.py writes version 3).");
  }

  const tensorCount = await c.u64("the tensor count");
  const keyCount = await c.u64("the metadata count");
  if (keyCount > BigInt(GGUF_LIMITS.metadataKeys) || keyCount * BigInt(MIN_ENTRY_BYTES) > BigInt(c.remaining())) {
    fail(file, "gguf_invalid_header", `the header declares ${keyCount} metadata entries, more than ${keyCount > BigInt(GGUF_LIMITS.metadataKeys) ? `the ${GGUF_LIMITS.metadataKeys} Whetstone reads` : "the file can hold"}`);
  }
  if (tensorCount > BigInt(GGUF_LIMITS.tensors) || tensorCount * BigInt(MIN_TENSOR_INFO_BYTES) > BigInt(c.remaining())) {
    fail(file, "gguf_invalid_header", `the header declares ${tensorCount} tensors, more than ${tensorCount > BigInt(GGUF_LIMITS.tensors) ? `the ${GGUF_LIMITS.tensors} Whetstone reads` : "the file can hold"}`);
  }

  const keys = new Set<string>();
  const kept = new Map<string, unknown>();
  for (let i = 0; i < Number(keyCount); i++) {
    const what = `metadata entry ${i + 1}`;
    const key = (await c.string(GGUF_LIMITS.keyBytes, true, `the key of ${what}`)) as string;
    if (keys.has(key)) fail(file, "gguf_invalid_header", `${what} repeats an earlier key`);
    keys.add(key);
    const type = await c.u32(what);
    const value = await readValue(c, file, type, 0, isKept(key), what);
    if (isKept(key)) kept.set(key, value);
  }

  const alignment = kept.has("general.alignment") ? asCount(file, kept.get("general.alignment"), "general.alignment") : 32;
  if (alignment === 0 || (alignment & (alignment - 1)) !== 0 || alignment > 2 ** 30) {
    fail(file, "gguf_invalid_metadata", "general.alignment is not a power of two");
  }
  const architecture = kept.has("general.architecture") ? asText(file, kept.get("general.architecture"), "general.architecture") : null;
  const contextKey = `${kept.get("general.architecture")}.context_length`;
  const fileType = kept.has("general.file_type") ? asCount(file, kept.get("general.file_type"), "general.file_type") : null;

  const names = new Set<string>();
  const tensorTypes: Record<string, number> = {};
  // Numbers, not bigints: every dimension, product, offset and end is checked to stay below 2^53.
  const exact = (value: bigint, what: string, problem: string): number => {
    if (value > MAX_EXACT) fail(file, "gguf_invalid_header", `${what} ${problem}`);
    return Number(value);
  };
  let parameters = 0;
  let dataEnd = 0;
  for (let i = 0; i < Number(tensorCount); i++) {
    const what = `tensor ${i + 1}`;
    // A million tensor infos: read from the window, awaiting only to refill it.
    const refill = c.prefetch(MAX_TENSOR_INFO_BYTES, what);
    if (refill) await refill;
    const name = c.textNow(GGUF_LIMITS.tensorNameBytes, `the name of ${what}`);
    if (names.has(name)) fail(file, "gguf_invalid_header", `${what} repeats an earlier tensor's name`);
    names.add(name);
    const dimCount = c.u32Now(what);
    if (dimCount > GGUF_LIMITS.dims) fail(file, "gguf_invalid_header", `${what} has ${dimCount} dimensions, more than ${GGUF_LIMITS.dims}`);
    let elements = 1;
    let first = 1;
    for (let d = 0; d < dimCount; d++) {
      const dim = exact(c.u64Now(what), what, "has more elements than can be counted exactly");
      if (d === 0) first = dim;
      elements *= dim;
      // Exact below 2^53, and a product past it is never rounded back under.
      if (elements > Number.MAX_SAFE_INTEGER) fail(file, "gguf_invalid_header", `${what} has more elements than can be counted exactly`);
    }
    const typeId = c.u32Now(what);
    const type = GGML_TYPES.get(typeId);
    if (!type) fail(file, "gguf_unknown_tensor_type", `${what} has ggml type ${typeId}, which Whetstone does not know`, "Convert the model again with a current llama.cpp, or use a file of a common quantization.");
    if (first % type.blockSize !== 0) fail(file, "gguf_invalid_header", `${what}'s first dimension is not a multiple of ${type.name}'s block of ${type.blockSize}`);
    const offset = c.u64Now(what);
    if (offset > BigInt(fileSize)) fail(file, "gguf_truncated", `${what}'s data starts past the end of the file`, TRUNCATED_HINT);
    if (Number(offset) % alignment !== 0) fail(file, "gguf_invalid_header", `${what}'s data offset is not a multiple of the ${alignment}-byte alignment`);
    // Exact while below 2^53; an end past that is inexact but still past the end of any file.
    const end = Number(offset) + (elements / type.blockSize) * type.typeSize;
    if (end > dataEnd) dataEnd = end;
    parameters += elements;
    if (parameters > Number.MAX_SAFE_INTEGER) fail(file, "gguf_invalid_header", "the tensors hold more elements than can be counted exactly");
    tensorTypes[type.name] = (tensorTypes[type.name] ?? 0) + 1;
  }

  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  if (tensorCount > 0n && dataStart + dataEnd > fileSize) {
    fail(file, "gguf_truncated", `the tensors need ${dataStart + dataEnd} bytes but the file has ${fileSize}`, TRUNCATED_HINT);
  }
  const mostUsed = Object.entries(tensorTypes).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const typeName = fileType === null ? null : fileTypeName(fileType);
  return {
    file,
    fileSize,
    version: version as 2 | 3,
    architecture,
    name: kept.has("general.name") ? asText(file, kept.get("general.name"), "general.name") : null,
    contextLength: architecture !== null && kept.has(contextKey) ? asCount(file, kept.get(contextKey), "the context length") : null,
    fileType,
    fileTypeName: typeName,
    quantization: typeName ?? mostUsed,
    tensorTypes,
    tensorCount: Number(tensorCount),
    parameterCount: parameters,
    metadataKeyCount: Number(keyCount),
    alignment,
    dataStart,
    bytesRead: c.bytesRead,
  };
}

/**
 * Reads the header of `rel`, a GGUF file of a model folder: only a regular
 * file inside it (an `unsafe_file` WhetError otherwise), every count and length
 * bounded before it is used. Reads no tensor data.
 */
export async function readGgufHeader(folder: ModelFolder, rel: string): Promise<GgufSummary> {
  const handle = await openModelFile(folder, rel);
  if (handle === null) fail(rel, "gguf_unreadable", "the file is not there", "Check the model folder: the GGUF file was moved or deleted.");
  try {
    return await readGgufHeaderFrom(handle, rel);
  } finally {
    await handle.close();
  }
}
