import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeModel, type MakeModelOptions } from "../../factory/make-model";
import { newSentinel, writeSentinel } from "../../workspace/sentinel";

/** Files a test workspace holds that a push must leave out. */
export const LOCAL_ONLY = [".mlxk_workspace.json", ".DS_Store", "notes.md~", ".hfignore", "drafts/idea.md"];

/**
 * A managed workspace to push: a real factory model (two safetensors shards,
 * LFS by extension), an 11 MB data file (LFS by size), a nested regular file,
 * and local-only files: the sentinel, OS and editor litter, and a folder
 * `.hfignore` keeps out.
 */
export async function makePushWorkspace(dir: string, options: Omit<MakeModelOptions, "dir"> = {}): Promise<string> {
  await makeModel({ dir, shards: 2, ...options });
  await writeSentinel(dir, newSentinel({ operation: "clone", sourceRepo: "acme/source", sourceRevision: "main" }));
  await mkdir(join(dir, "data"), { recursive: true });
  await writeFile(join(dir, "data", "big.dat"), randomBytes(11 * 1024 * 1024));
  await mkdir(join(dir, "docs"), { recursive: true });
  await writeFile(join(dir, "docs", "usage.md"), "Load with mlx_lm.load().\n");
  await writeFile(join(dir, ".DS_Store"), "litter");
  await writeFile(join(dir, "notes.md~"), "backup");
  await writeFile(join(dir, ".hfignore"), "# local drafts\ndrafts/\n");
  await mkdir(join(dir, "drafts"), { recursive: true });
  await writeFile(join(dir, "drafts", "idea.md"), "not for the Hub\n");
  return dir;
}
