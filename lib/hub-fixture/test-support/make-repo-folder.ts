import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeModel, type MakeModelOptions } from "../../factory/make-model";

/** A real factory model plus a nested file, so every test also covers paths with folders in them. */
export async function makeRepoFolder(dir: string, options: Omit<MakeModelOptions, "dir"> = {}): Promise<string> {
  await makeModel({ dir, shards: 2, ...options });
  await mkdir(join(dir, "docs", "notes"), { recursive: true });
  await writeFile(join(dir, "docs", "notes", "usage.md"), `Seed ${options.seed ?? 1}: load with mlx_lm.load().\n`);
  return dir;
}
