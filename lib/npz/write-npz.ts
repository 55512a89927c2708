import { writeFile } from "node:fs/promises";
import { crc32 } from "node:zlib";

export interface NpyArray {
  name: string;
  /** numpy dtype descriptor, e.g. `<f4`, `<f2`. */
  descr: string;
  shape: number[];
  data: Uint8Array;
}

/** One `.npy` (format 1.0) file: magic, header dict padded to 64 bytes, raw data. */
export function encodeNpy(array: NpyArray): Buffer {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let dict = `{'descr': '${array.descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, "latin1"), array.data]);
}

/** Writes an uncompressed `.npz` (a zip of `.npy` files), the format `mx.savez` and numpy produce. */
export async function writeNpz(path: string, arrays: readonly NpyArray[]): Promise<void> {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const array of arrays) {
    const name = Buffer.from(`${array.name}.npy`);
    const body = encodeNpy(array);
    const crc = crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(body.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(arrays.length, 8);
  end.writeUInt16LE(arrays.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await writeFile(path, Buffer.concat([...locals, directory, end]));
}
