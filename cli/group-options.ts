import { z } from "zod";
import { rankTargets } from "../lib/distributed/fetch-rank-shards";
import { localHostfile, MAX_HOSTS } from "../lib/distributed/hostfile";
import type { GroupRequest } from "../lib/distributed/plan-check";
import { readHostfile } from "../lib/distributed/read-hostfile";
import { fetchShardsOperation } from "../lib/operations/fetch-shards";
import { UsageError, type Command, type CommandContext } from "./command";
import { renderFetchShardsProgress } from "./render/fetch-shards-progress";
import { runOperation } from "./run-operation";

/** `--ranks N` (this machine), `--hostfile FILE` (mlx.launch's), `--mode`: the options of commands that can run a model on a group. */
export const groupOptions: Command["options"] = {
  ranks: { type: "string" },
  hostfile: { type: "string" },
  mode: { type: "string" },
  "fetch-shards": { type: "boolean" },
};

export const GROUP_USAGE = "[--ranks N | --hostfile FILE] [--mode auto|tensor|pipeline] [--fetch-shards]";

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
    if (values["fetch-shards"]) throw new UsageError("--fetch-shards fetches each rank's shards of a group: add --hostfile");
    return null;
  }
  if (values["fetch-shards"] && mode === "tensor") throw new UsageError("--fetch-shards gives each rank only its stage's layers, which only a pipeline can run: use --mode pipeline");
  const base = mode ? { mode } : {};
  return ranks !== undefined ? { ranks, ...base } : { hostfile: await readHostfile(hostfile as string), ...base };
}

/** "3 ranks, tensor parallel" for people. */
export function groupText(group: { ranks: number; mode: string } | null | undefined): string {
  return group ? `${group.ranks} ranks, ${group.mode} parallel` : "";
}

/**
 * `--fetch-shards`: before the plan check, every host of the group gets the
 * model's metadata and only the shards of its ranks' layers (this machine
 * into its HF cache, the others into theirs over ssh), pinned to one commit;
 * the group then runs as a pipeline, each rank from its host's copy. Without
 * the flag the group is returned as it was.
 */
export async function withFetchedShards(spec: string, group: GroupRequest | null, values: Record<string, string | boolean | undefined>, ctx: Pick<CommandContext, "config" | "progress" | "onInterrupt">): Promise<GroupRequest | null> {
  if (!group || !values["fetch-shards"]) return group;
  const hosts = group.hostfile?.hosts ?? localHostfile(group.ranks ?? 0).hosts;
  const fetched = await runOperation(fetchShardsOperation, { repo: spec, targets: rankTargets(hosts, ctx.config.hubCache) }, ctx, renderFetchShardsProgress);
  return { ...group, mode: "pipeline", rankModelPaths: fetched.modelPaths };
}
