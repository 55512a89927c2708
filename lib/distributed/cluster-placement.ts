import { z } from "zod";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import { loadClusterHostfile } from "./cluster-hostfile";
import { localHostfile, MAX_HOSTS, type Hostfile } from "./hostfile";

/** Where the Cluster page places a group: N ranks on this machine, or one rank per host of the saved hostfile. */
export const placementSchema = z.union([z.object({ ranks: z.number().int().min(2).max(MAX_HOSTS) }), z.object({ hostfile: z.literal(true) })]);

export type Placement = z.infer<typeof placementSchema>;

/** The hosts a placement names, rank 0 first. */
export async function placementHostfile(config: Pick<WhetConfig, "dataDir">, placement: Placement): Promise<Hostfile> {
  if ("ranks" in placement) return localHostfile(placement.ranks);
  const hostfile = await loadClusterHostfile(config);
  if (!hostfile) throw new WhetError("hostfile_missing", "No hostfile is saved", "Save one on this page first (or use ranks on this machine).", { field: "placement" });
  return hostfile;
}
