import { modelFolder } from "./model-folder";
import { walkModelFolder } from "./walk-model-folder";

/** Bytes of every file of a model folder as the safe walk sees it (cache snapshots count their blobs; nothing outside). */
export async function folderSize(dir: string): Promise<number> {
  const { files } = await walkModelFolder(await modelFolder(dir));
  return files.reduce((total, file) => total + (file.brokenLink ? 0 : file.size), 0);
}
