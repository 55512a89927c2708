import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { WhetConfig } from "../config";
import { writeFileAtomic } from "../fs/write-file-atomic";
import { formatHostfile, parseHostfile, type Hostfile } from "./hostfile";
import { readHostfile } from "./read-hostfile";

/** Where the app keeps the team's hostfile, as mlx.launch reads it. */
export function clusterHostfilePath(config: Pick<WhetConfig, "dataDir">): string {
  return join(config.dataDir, "cluster", "hostfile.json");
}

/** The saved hostfile; null when none was saved. */
export async function loadClusterHostfile(config: Pick<WhetConfig, "dataDir">): Promise<Hostfile | null> {
  try {
    return await readHostfile(clusterHostfilePath(config));
  } catch (error) {
    if ((error as { code?: string }).code === "hostfile_missing") return null;
    throw error;
  }
}

/**
 * Saves a hostfile typed on the Cluster page, or imported from
 * `mlx.distributed_config` (its JSON is read the same way: JACCL fields are
 * dropped, the ring backend is written). Checked before it is written.
 */
export async function saveClusterHostfile(config: Pick<WhetConfig, "dataDir">, text: string): Promise<Hostfile> {
  const hostfile = parseHostfile(text);
  const path = clusterHostfilePath(config);
  await mkdir(join(config.dataDir, "cluster"), { recursive: true });
  await writeFileAtomic(path, formatHostfile(hostfile));
  return hostfile;
}

export async function clearClusterHostfile(config: Pick<WhetConfig, "dataDir">): Promise<void> {
  await rm(clusterHostfilePath(config), { force: true });
}
