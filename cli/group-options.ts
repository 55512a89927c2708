import { z } from "zod";
import { MAX_HOSTS } from "../lib/distributed/hostfile";
import type { GroupRequest } from "../lib/distributed/plan-check";
import { readHostfile } from "../lib/distributed/read-hostfile";
import { UsageError, type Command } from "./command";

/** `--ranks N` (this machine), `--hostfile FILE` (mlx.launch's), `--mode`: the options of commands that can run a model on a group. */
export const groupOptions: Command["options"] = {
  ranks: { type: "string" },
  hostfile: { type: "string" },
  mode: { type: "string" },
};

export const GROUP_USAGE = "[--ranks N | --hostfile FILE] [--mode auto|tensor|pipeline]";

const flagsSchema = z.object({
  ranks: z.coerce.number().int().min(2, "a group needs at least 2 ranks (1 is the plain runner)").max(MAX_HOSTS).optional(),
  hostfile: z.string().min(1).optional(),
  mode: z.enum(["auto", "tensor", "pipeline"]).optional(),
});

/** The group a command's flags ask for; null when they ask for none. */
export async function groupRequestFrom(values: Record<string, string | boolean | undefined>): Promise<GroupRequest | null> {
  const parsed = flagsSchema.safeParse({ ranks: values.ranks, hostfile: values.hostfile, mode: values.mode });
  if (!parsed.success) throw new UsageError(`--${String(parsed.error.issues[0]?.path[0])}: ${parsed.error.issues[0]?.message}`);
  const { ranks, hostfile, mode } = parsed.data;
  if (ranks !== undefined && hostfile !== undefined) throw new UsageError("--ranks and --hostfile are alternatives: a hostfile has one rank per host entry");
  if (ranks === undefined && hostfile === undefined) {
    if (mode !== undefined) throw new UsageError("--mode needs --ranks or --hostfile");
    return null;
  }
  const base = mode ? { mode } : {};
  return ranks !== undefined ? { ranks, ...base } : { hostfile: await readHostfile(hostfile as string), ...base };
}

/** "3 ranks, tensor parallel" for people. */
export function groupText(group: { ranks: number; mode: string } | null | undefined): string {
  return group ? `${group.ranks} ranks, ${group.mode} parallel` : "";
}
