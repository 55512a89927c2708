import { join } from "node:path";
import { WhetError } from "../errors";
import type { Dtype } from "../safetensors/dtypes";
import { readSafetensorsHeader } from "../safetensors/read-header";
import { listModelFiles } from "./copy-model-files";

/** One tensor of the source, located for positional reads. */
export interface SourceTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  file: string;
  /** Absolute byte offset of the tensor's data in `file`. */
  offset: number;
  bytes: number;
}

/** The files mlx-lm loads: `model*.safetensors` in the folder (it globs; the index is not read). A folder with unsafe entries is refused. */
export async function weightFiles(dir: string): Promise<string[]> {
  const names = await listModelFiles(dir);
  return names.filter((n) => !n.includes("/") && n.startsWith("model") && n.endsWith(".safetensors")).sort();
}

/** Every tensor of the source's weight files, by name; a name in two files is refused. */
export async function readSourceWeights(dir: string): Promise<Map<string, SourceTensor>> {
  const files = await weightFiles(dir);
  if (files.length === 0) {
    throw new WhetError("no_safetensors", `No model*.safetensors in ${dir}`, "Run `whet health` on the source: its weights are missing.");
  }
  const tensors = new Map<string, SourceTensor>();
  for (const file of files) {
    const header = await readSafetensorsHeader(join(dir, file));
    for (const t of header.tensors) {
      const other = tensors.get(t.name);
      if (other) {
        throw new WhetError(
          "duplicate_tensor",
          `Tensor '${t.name}' is in two weight files: ${other.file} and ${header.file}`,
          "mlx-lm would silently keep one of them. Remove the stray file (see `whet health`), then convert again.",
          { tensor: t.name },
        );
      }
      tensors.set(t.name, { name: t.name, dtype: t.dtype, shape: t.shape, file: header.file, offset: header.dataStart + t.begin, bytes: t.end - t.begin });
    }
  }
  return tensors;
}
