import type { FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { WhetError } from "../errors";
import { isNotRegularFileError, openRegularFile } from "../fs/open-regular-file";
import { parseJsonText } from "../fs/parse-json-text";
import { type Dtype, isDtype, tensorByteSize } from "./dtypes";

/** Same cap as MLX's and Hugging Face's readers: a larger header is refused unread. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Offsets relative to the start of the data buffer, as stored in the header. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  file: string;
  fileSize: number;
  headerSize: number;
  /** Absolute offset of the data buffer: 8 + headerSize. */
  dataStart: number;
  /** `__metadata__`, or null when the header has none (or JSON null). */
  metadata: Record<string, string> | null;
  /** Tensors in header order. */
  tensors: TensorInfo[];
  /** Bytes this read took from disk (the 8-byte prefix plus the header). */
  bytesRead: number;
}

function fail(file: string, code: string, problem: string, hint: string, tensor?: string): never {
  throw new WhetError(
    code,
    `${basename(file)}: ${problem}`,
    hint,
    tensor === undefined ? { file } : { file, tensor },
  );
}

const REDOWNLOAD = "The file is damaged or not a safetensors file: download or copy it again.";

/**
 * Reads and validates the header of a safetensors file without touching tensor data.
 * Checks: the 8-byte length, the header-size cap, valid JSON object, `__metadata__` of
 * strings, known dtypes, shape × dtype equal to the byte span, offsets within the file,
 * no overlapping spans, no holes and no trailing bytes (the rules Hugging Face's reader
 * enforces; MLX's reader is laxer).
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const handle = await openRegularFile(file).catch((error: NodeJS.ErrnoException) =>
    isNotRegularFileError(error)
      ? fail(file, "safetensors_unreadable", "is not a regular file (a FIFO, socket, device or folder)", "Replace it with the real shard file.")
      : fail(file, "safetensors_unreadable", `cannot open (${error.code ?? "unreadable"})`, "Check the file exists and is readable."),
  );
  try {
    return await readSafetensorsHeaderFrom(handle, file);
  } finally {
    await handle.close();
  }
}

/** `readSafetensorsHeader` on a file already opened (by the model folder's safe reader); `file` names it. */
export async function readSafetensorsHeaderFrom(handle: FileHandle, file: string): Promise<SafetensorsHeader> {
  const { size: fileSize } = await handle.stat();
  if (fileSize < 8) {
    fail(file, "safetensors_too_small", `file is ${fileSize} bytes, smaller than the 8-byte header length`, REDOWNLOAD);
  }
  const prefix = Buffer.alloc(8);
  await handle.read(prefix, 0, 8, 0);
  const headerSize = checkedHeaderSize(file, prefix.readBigUInt64LE(0), fileSize);
  const raw = Buffer.alloc(headerSize);
  await handle.read(raw, 0, headerSize, 8);
  const header = parseHeader(file, raw, headerSize, fileSize);
  return { ...header, bytesRead: 8 + headerSize };
}

/**
 * The header length the 8-byte prefix declares, refused when it is 0, over
 * the cap or longer than the file: the one check before anything is allocated
 * (also for headers read from the Hub with ranged requests).
 */
export function checkedHeaderSize(file: string, declared: bigint, fileSize: number): number {
  if (declared === 0n) fail(file, "safetensors_header_empty", "header length is 0", REDOWNLOAD);
  if (declared > BigInt(MAX_HEADER_BYTES)) {
    fail(
      file,
      "safetensors_header_too_large",
      `header length ${declared} exceeds the ${MAX_HEADER_BYTES}-byte limit`,
      `${REDOWNLOAD} (A git-LFS pointer or a file of another format often looks like this.)`,
    );
  }
  const headerSize = Number(declared);
  if (8 + headerSize > fileSize) {
    fail(
      file,
      "safetensors_header_truncated",
      `header claims ${headerSize} bytes but the file has only ${fileSize - 8} after the length`,
      "The file is truncated (an interrupted download or copy): fetch it again.",
    );
  }
  return headerSize;
}

/** Parses and validates header bytes (the `headerSize` bytes after the prefix) of a file of `fileSize` bytes. */
export function parseSafetensorsHeader(file: string, raw: Buffer, fileSize: number): Omit<SafetensorsHeader, "bytesRead"> {
  return parseHeader(file, raw, raw.byteLength, fileSize);
}

function parseHeader(file: string, raw: Buffer, headerSize: number, fileSize: number) {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    fail(file, "safetensors_invalid_json", "header is not valid UTF-8", REDOWNLOAD);
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) fail(file, "safetensors_invalid_json", `header ${parsed.problem}`, REDOWNLOAD);
  const json = parsed.value;
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    fail(file, "safetensors_invalid_json", "header is not a JSON object", REDOWNLOAD);
  }

  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(file, entry);
      continue;
    }
    tensors.push(parseTensor(file, name, entry));
  }

  const dataStart = 8 + headerSize;
  const dataSize = fileSize - dataStart;
  checkLayout(file, tensors, dataSize);
  return { file, fileSize, headerSize, dataStart, metadata, tensors };
}

function parseMetadata(file: string, entry: unknown): Record<string, string> | null {
  if (entry === null) return null;
  if (typeof entry !== "object" || Array.isArray(entry)) {
    fail(file, "safetensors_invalid_metadata", "__metadata__ is not an object of strings", REDOWNLOAD);
  }
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== "string") {
      fail(file, "safetensors_invalid_metadata", `__metadata__.${key} is not a string`, REDOWNLOAD);
    }
  }
  return entry as Record<string, string>;
}

function parseTensor(file: string, name: string, entry: unknown): TensorInfo {
  const bad = (problem: string): never =>
    fail(file, "safetensors_invalid_tensor", `tensor '${name}': ${problem}`, REDOWNLOAD, name);
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) bad("entry is not an object");
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== "string") bad("dtype is missing");
  if (!isDtype(dtype as string)) {
    fail(
      file,
      "safetensors_unknown_dtype",
      `tensor '${name}': unknown dtype '${String(dtype)}'`,
      "The file was written by a tool that uses a dtype safetensors does not define; re-convert the model.",
      name,
    );
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    bad("shape is not a list of non-negative integers");
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1]
  ) {
    bad("data_offsets is not a pair [begin, end] with begin <= end");
  }
  const [begin, end] = offsets as [number, number];
  const expected = tensorByteSize(dtype as Dtype, shape as number[]);
  if (expected === null || expected !== BigInt(end - begin)) {
    fail(
      file,
      "safetensors_size_mismatch",
      `tensor '${name}': shape [${(shape as number[]).join(", ")}] × ${dtype} needs ${expected ?? "a fractional number of"} bytes but its span is ${end - begin}`,
      REDOWNLOAD,
      name,
    );
  }
  return { name, dtype: dtype as Dtype, shape: shape as number[], begin, end };
}

function checkLayout(file: string, tensors: TensorInfo[], dataSize: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: TensorInfo | undefined;
  for (const tensor of sorted) {
    if (tensor.end > dataSize) {
      fail(
        file,
        "safetensors_offset_out_of_bounds",
        `tensor '${tensor.name}' ends at byte ${tensor.end} of the data but the data holds only ${dataSize} bytes`,
        "The file is truncated (an interrupted download or copy): fetch it again.",
        tensor.name,
      );
    }
    if (tensor.begin < cursor && previous) {
      fail(
        file,
        "safetensors_overlap",
        `tensors '${previous.name}' and '${tensor.name}' overlap (bytes ${tensor.begin}-${Math.min(cursor, tensor.end)})`,
        REDOWNLOAD,
        tensor.name,
      );
    }
    if (tensor.begin > cursor) {
      fail(
        file,
        "safetensors_gap",
        `${tensor.begin - cursor} unused bytes before tensor '${tensor.name}' (the data buffer has a hole)`,
        REDOWNLOAD,
        tensor.name,
      );
    }
    cursor = Math.max(cursor, tensor.end);
    previous = tensor;
  }
  if (cursor < dataSize) {
    fail(
      file,
      "safetensors_trailing_bytes",
      `${dataSize - cursor} bytes after the last tensor are not described by the header`,
      REDOWNLOAD,
    );
  }
}
