import { createModelRunner, type ModelRunner, type ModelRunnerOptions } from "../runner/model-runner";
import type { GroupPlan } from "./plan-check";
import { startGroupProcess } from "./start-group";

/**
 * A model runner whose process is an mlx.launch group: the same queue,
 * pings, crash restarts and idle stop as a local runner, a different launch.
 * The plan was checked before (checkPlan); each start picks fresh ports.
 */
export function createDistributedRunner(options: Omit<ModelRunnerOptions, "start" | "group"> & { plan: GroupPlan }): ModelRunner {
  const { plan, ...rest } = options;
  return createModelRunner({
    ...rest,
    group: { mode: plan.mode, ranks: plan.ranks, hosts: plan.hostfile.hosts.map((h) => h.ssh), perRankBytes: plan.memory.perRankBytes },
    start: (start) => startGroupProcess({ ...start, plan }),
    // The runner's folder is rank 0's: with partial copies, the shards only other ranks need are not in it.
    ...(plan.rankModels ? { shardsElsewhere: plan.rankModels.shards.flat().filter((file) => !plan.rankModels?.shards[0]?.includes(file)) } : {}),
  });
}
