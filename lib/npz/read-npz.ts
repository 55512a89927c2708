import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import { inflateRawSync } from "node:zlib";
import { WhetError } from "../errors";
import { tensorByteSize, type Dtype } from "../safetensors/dtypes";

export interface NpzEntry {
  /** Array name (the member name without `.npy`). */
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Raw little-endian element bytes, C order. */
  data: Uint8Array;
}

/** numpy descriptors MLX can load, as safetensors dtypes. */
const DESCR: Record<string, Dtype> = {
  "<f4": "F32",
  "<f2": "F16",
  "<i4": "I32",
  "<i8": "I64",
  "<i2": "I16",
  "|i1": "I8",
  "|u1": "U8",
  "<u2": "U16",
  "<u4": "U32",
  "<u8": "U64",
  "|b1": "BOOL",
  // ml_dtypes' bfloat16 as numpy stores it
  "<V2": "BF16",
  bfloat16: "BF16",
};

function broken(file: string, problem: string): WhetError {
  return new WhetError("npz_invalid", `${basename(file)}: ${problem}`, "The .npz file is damaged: download the model again.", { file });
}

interface Member {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

/** Deflate expands at most 1032:1; a member declaring more than that of its compressed size is damaged. */
const MAX_DEFLATE_RATIO = 1032;

/** `length` bytes at `position`, which the caller has checked lie inside the file. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Every offset and size in an archive's records is checked against the file before anything is read or allocated. */
function within(file: string, size: number, start: number, length: number, what: string): void {
  if (start < 0 || length < 0 || start + length > size) throw broken(file, `${what} lies outside the file`);
}

async function centralDirectory(handle: FileHandle, file: string, size: number): Promise<Member[]> {
  const tail = await readAt(handle, Math.max(0, size - 65_557), Math.min(size, 65_557));
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end === -1) throw broken(file, "not a zip archive (no end of central directory)");
  if (end + 22 > tail.length) throw broken(file, "the end of central directory record is cut off");
  const count = tail.readUInt16LE(end + 10);
  const dirSize = tail.readUInt32LE(end + 12);
  const dirOffset = tail.readUInt32LE(end + 16);
  if (dirOffset === 0xffffffff || count === 0xffff) {
    throw new WhetError("npz_zip64", `${basename(file)} is a ZIP64 archive`, "Archives over 4 GB are not supported yet; convert with numpy: np.load + mx.save_safetensors.", { file });
  }
  within(file, size, dirOffset, dirSize, "the central directory");
  const dir = await readAt(handle, dirOffset, dirSize);
  const members: Member[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw broken(file, "corrupt central directory");
    const nameLength = dir.readUInt16LE(p + 28);
    const extra = dir.readUInt16LE(p + 30);
    const comment = dir.readUInt16LE(p + 32);
    if (p + 46 + nameLength > dir.length) throw broken(file, "corrupt central directory");
    members.push({
      method: dir.readUInt16LE(p + 10),
      compressedSize: dir.readUInt32LE(p + 20),
      uncompressedSize: dir.readUInt32LE(p + 24),
      localOffset: dir.readUInt32LE(p + 42),
      name: dir.subarray(p + 46, p + 46 + nameLength).toString("utf8"),
    });
    p += 46 + nameLength + extra + comment;
  }
  return members;
}

function parseNpy(file: string, member: string, bytes: Buffer): Omit<NpzEntry, "name"> {
  if (bytes.length < 12 || bytes.subarray(0, 6).toString("latin1") !== "\x93NUMPY") throw broken(file, `${member} is not a .npy array`);
  const major = bytes[6] as number;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw broken(file, `${member} has a .npy header longer than the array`);
  const dict = bytes.subarray(start, start + headerLength).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(dict)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || shapeText === undefined) throw broken(file, `${member} has an unreadable .npy header`);
  const dtype = DESCR[descr];
  if (!dtype) {
    throw new WhetError("npz_unsupported_dtype", `${basename(file)}: ${member} has dtype '${descr}', which MLX cannot load`, "Convert that array with numpy first (for example float64 to float32).", { file });
  }
  if (fortran === "True") throw new WhetError("npz_fortran_order", `${basename(file)}: ${member} is stored in Fortran order`, "Re-save the array in C order (np.ascontiguousarray).", { file });
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const dataLength = bytes.length - start - headerLength;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || tensorByteSize(dtype, shape) !== BigInt(dataLength)) {
    throw broken(file, `${member}: its shape does not describe its ${dataLength} bytes of data`);
  }
  return { dtype, shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + start + headerLength, dataLength) };
}

/** Inflates a member to no more than the size its record declares: an archive cannot make this allocate more. */
function inflate(file: string, member: Member, raw: Buffer): Buffer {
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, member.uncompressedSize) });
  } catch {
    throw broken(file, `${member.name} does not inflate to the ${member.uncompressedSize} bytes it declares`);
  }
  if (bytes.length !== member.uncompressedSize) throw broken(file, `${member.name} inflates to ${bytes.length} bytes, not the ${member.uncompressedSize} it declares`);
  return bytes;
}

/** Reads the arrays of an `.npz` archive (stored or deflated members), one at a time, in archive order. */
export async function* readNpz(file: string): AsyncGenerator<NpzEntry> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    for (const member of await centralDirectory(handle, file, size)) {
      if (!member.name.endsWith(".npy")) continue;
      within(file, size, member.localOffset, 30, `the local header of ${member.name}`);
      const local = await readAt(handle, member.localOffset, 30);
      if (local.readUInt32LE(0) !== 0x04034b50) throw broken(file, `bad local header for ${member.name}`);
      const dataStart = member.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      within(file, size, dataStart, member.compressedSize, `the data of ${member.name}`);
      if (member.method !== 0 && member.method !== 8) throw broken(file, `${member.name} uses zip compression method ${member.method}`);
      if (member.method === 0 ? member.uncompressedSize !== member.compressedSize : member.uncompressedSize > member.compressedSize * MAX_DEFLATE_RATIO + 64) {
        throw broken(file, `${member.name} declares ${member.uncompressedSize} bytes, which its ${member.compressedSize} stored bytes cannot hold`);
      }
      const raw = await readAt(handle, dataStart, member.compressedSize);
      const bytes = member.method === 0 ? raw : inflate(file, member, raw);
      yield { name: member.name.slice(0, -".npy".length), ...parseNpy(file, member.name, bytes) };
    }
  } finally {
    await handle.close();
  }
}
