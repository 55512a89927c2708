import { WhetError } from "../errors";
import { checkModel, type HealthReport } from "../health/check-model";
import type { Finding } from "../health/finding";
import { INDEX_FILE } from "../safetensors/index-file";
import { updateSentinel } from "../workspace/sentinel";
import { copyModelFiles, listModelFiles } from "./copy-model-files";
import { checkConvertPaths, createTarget, type CacheRoots } from "./prepare-target";
import { rebuildIndex } from "./rebuild-index";

/** Source defects that mean data is missing or damaged: no index can fix those. */
const UNREPAIRABLE = new Set([
  "shard-truncated",
  "shard-corrupt",
  "shard-empty",
  "lfs-pointer",
  "partial-download",
  "shards-missing",
  "duplicate-tensor",
  "broken-link",
  "weights-npz",
  "no-weights",
]);

export type ConvertPhase = "checking" | "copying" | "rebuilding-index" | "health-check";

export interface ConvertProgress {
  phase: ConvertPhase;
  filesDone: number;
  filesTotal: number;
}

export interface RepairIndexParams {
  source: string;
  target: string;
  roots: CacheRoots;
  skipHealth?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ConvertProgress) => void;
}

export interface RepairIndexResult {
  source: string;
  target: string;
  mode: "repair-index";
  shards: string[];
  tensors: number;
  /** Source findings that the output no longer has. */
  fixed: string[];
  /** Tensors the old index listed that no shard holds: dropped from the new index. */
  droppedFromIndex: string[];
  health: HealthReport | null;
}

function refuse(finding: Finding): never {
  throw new WhetError(
    "source_not_repairable",
    `The source cannot be repaired by rebuilding its index: ${finding.message}`,
    finding.hint,
    { finding: finding.id, evidence: finding.evidence },
  );
}

/**
 * `convert SRC DST --repair-index` (ADR-018 Phase 1): copies the model into a new
 * managed workspace and rebuilds its index from the shard headers. The source is
 * only read; a failure leaves the target as it was before.
 */
export async function repairIndex(params: RepairIndexParams): Promise<RepairIndexResult> {
  const { roots, skipHealth = false, signal, onProgress } = params;
  const paths = await checkConvertPaths(params.source, params.target, roots);

  onProgress?.({ phase: "checking", filesDone: 0, filesTotal: 0 });
  const before = await checkModel(paths.source);
  const blocker = before.findings.find((f) => UNREPAIRABLE.has(f.id));
  if (blocker) refuse(blocker);

  const files = await listModelFiles(paths.source);
  const shards = files.filter((f) => !f.includes("/") && f.endsWith(".safetensors"));
  const others = files.filter((f) => f !== INDEX_FILE && !shards.includes(f));
  if (shards.length === 0) {
    throw new WhetError(
      "no_safetensors",
      `No safetensors shards in ${paths.source}`,
      "repair-index rebuilds the index from safetensors shards; run `whet health` to see what the model holds.",
    );
  }

  const cleanup = await createTarget(paths, "repair-index");
  try {
    let done = 0;
    const total = files.length;
    const tick = () => onProgress?.({ phase: "copying", filesDone: ++done, filesTotal: total });
    // Small files first, then the shards: an interrupted copy never has shards without config.
    await copyModelFiles(paths.source, paths.target, others, signal, tick);
    await copyModelFiles(paths.source, paths.target, shards, signal, tick);

    signal?.throwIfAborted();
    onProgress?.({ phase: "rebuilding-index", filesDone: total, filesTotal: total });
    const index = await rebuildIndex(paths.target, shards);

    const stale = before.findings.flatMap((f) =>
      f.id === "index-shard-mismatch" || f.id === "index-unknown-keys" ? (f.evidence.tensors ?? []) : [],
    );
    const droppedFromIndex = [...new Set(stale)].filter((t) => !index.weightMap.has(t)).sort();

    let health: HealthReport | null = null;
    if (!skipHealth) {
      onProgress?.({ phase: "health-check", filesDone: total, filesTotal: total });
      health = await checkModel(paths.target);
    }
    const remaining = new Set((health ?? (await checkModel(paths.target))).findings.map((f) => f.id));
    const fixed = [...new Set(before.findings.filter((f) => f.repair === "repair-index" && !remaining.has(f.id)).map((f) => f.id))];

    await updateSentinel(paths.target, {
      repair: { mode: "repair-index", fixed, dropped_from_index: droppedFromIndex, shards: index.shards, tensors: index.tensors },
      ...(health ? { health: { status: health.healthy ? "healthy" : "unhealthy", reason: health.reason } } : {}),
    });
    return { source: paths.source, target: paths.target, mode: "repair-index", shards: index.shards, tensors: index.tensors, fixed, droppedFromIndex, health };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
