import { repairIndex } from "../../lib/convert/repair-index";
import { convertOutcome, type ConvertMode } from "./convert-mode";

export const repairIndexMode: ConvertMode = async ({ source, target, config, skipHealth, progress }) => {
  const result = await repairIndex({
    source,
    target,
    roots: { hubCache: config.hubCache, hfHome: config.hfHome },
    skipHealth,
    onProgress: (p) => progress(`${p.phase}${p.filesTotal ? ` ${p.filesDone}/${p.filesTotal}` : ""}`),
  });
  const dropped = result.droppedFromIndex;
  return convertOutcome({
    source: result.source,
    target: result.target,
    mode: "repair-index",
    message: "Index rebuilt successfully",
    health: result.health,
    ...(dropped.length
      ? { warning: `The old index listed ${dropped.length} tensor(s) no shard holds; they are not in the new index: ${dropped.join(", ")}` }
      : {}),
    extra: { shards: result.shards, tensors: result.tensors, fixed: result.fixed },
    lines: [
      `${result.tensors} tensors in ${result.shards.length} shard${result.shards.length === 1 ? "" : "s"}`,
      ...(result.fixed.length ? [`Fixed: ${result.fixed.join(", ")}`] : []),
    ],
  });
};
