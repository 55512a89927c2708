import type { RepairModeName } from "../../lib/convert/repair-model";
import { repairOperation } from "../../lib/operations/repair";
import { runOperation } from "../run-operation";
import { convertOutcome, type ConvertMode } from "./convert-mode";

/** `convert --repair-index | --repair-weights | --repair-config | --add-preprocessor-config | --repair-all`. */
export function repairMode(mode: RepairModeName): ConvertMode {
  return async ({ source, target, skipHealth, ctx }) => {
    const result = await runOperation(repairOperation, { source, target, mode, skipHealth }, ctx, (p) => `${p.phase}${p.total ? ` ${p.done}/${p.total}` : ""}`);
    const dropped = result.droppedFromIndex;
    return convertOutcome({
      source: result.source,
      target: result.target,
      mode,
      // mlx-knife's message for the same mode, so scripts matching it keep working.
      message: mode === "repair-index" ? "Index rebuilt successfully" : result.steps.length ? `Applied ${result.steps.join(", ")}` : "Nothing needed repair",
      health: result.health,
      ...(dropped.length
        ? { warning: `The old index listed ${dropped.length} tensor(s) no shard holds; they are not in the new index: ${dropped.join(", ")}` }
        : {}),
      extra: { ...(result.contentHash ? { content_hash: result.contentHash } : {}), steps: result.steps, fixed: result.fixed, changes: result.changes, shards: result.shards, tensors: result.tensors },
      lines: [...result.changes.map((c) => `  ${c}`), ...(result.fixed.length ? [`Fixed: ${result.fixed.join(", ")}`] : [])],
    });
  };
}
