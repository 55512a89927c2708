import { join } from "node:path";
import { WhetError } from "../errors";
import { checkModel, type HealthReport } from "../health/check-model";
import { readChatTemplateFile } from "../health/inspect-folder";
import type { Finding, RepairMode } from "../health/finding";
import { readNpz, type NpzEntry } from "../npz/read-npz";
import { INDEX_FILE } from "../safetensors/index-file";
import { copyWithMetadata } from "../safetensors/rewrite-metadata";
import { writeSafetensors } from "../safetensors/write-safetensors";
import { computeContentHash, hashFields } from "../workspace/content-hash";
import { updateSentinel } from "../workspace/sentinel";
import { copyModelFiles, listModelFiles } from "./copy-model-files";
import { modelFolder } from "../fs/model-folder";
import { readJsonObject } from "../fs/read-json-object";
import { writeJson } from "../fs/write-json";
import { fixConfig } from "./fix-config";
import { makeShards } from "./make-shards";
import { checkConvertPaths, createTarget, markTargetComplete, type CacheRoots } from "./prepare-target";
import { rebuildIndex } from "./rebuild-index";
import { whisperPreprocessorConfig } from "./whisper-preprocessor";

/** Source defects that mean data is missing or damaged: no repair brings it back. */
const UNREPAIRABLE = new Set([
  "shard-truncated",
  "shard-corrupt",
  "shard-empty",
  "lfs-pointer",
  "partial-download",
  "shards-missing",
  "duplicate-tensor",
  "broken-link",
  "no-weights",
  "missing-parameters",
]);

export type RepairModeName = RepairMode | "repair-all";

export interface ConvertProgress {
  phase: "checking" | "copying" | "converting-weights" | "rebuilding-index" | "fixing-config" | "health-check";
  filesDone: number;
  filesTotal: number;
}

export interface RepairParams {
  source: string;
  target: string;
  mode: RepairModeName;
  roots: CacheRoots;
  skipHealth?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: ConvertProgress) => void;
}

export interface RepairResult {
  source: string;
  target: string;
  mode: RepairModeName;
  /** The repairs applied, in order. */
  steps: RepairMode[];
  /** Source finding ids the output no longer has. */
  fixed: string[];
  /** One line per change made to a file. */
  changes: string[];
  shards: string[];
  tensors: number;
  /** Tensors the old index listed that no shard holds: dropped from the new index. */
  droppedFromIndex: string[];
  health: HealthReport | null;
  /** mlx-knife's content_hash v2 of the output, as stored in its sentinel. */
  contentHash: string | null;
}

const isShard = (f: string) => !f.includes("/") && f.endsWith(".safetensors");
const isNpz = (f: string) => !f.includes("/") && f.endsWith(".npz");

function refuse(finding: Finding): never {
  throw new WhetError(
    "source_not_repairable",
    `The source cannot be repaired: ${finding.message}`,
    finding.hint,
    { finding: finding.id, evidence: finding.evidence },
  );
}

/** Which repairs a mode means for this model: one named step, or every step its findings call for. */
function planSteps(mode: RepairModeName, findings: readonly Finding[], files: readonly string[]): RepairMode[] {
  if (mode !== "repair-all") return [mode];
  const wanted = new Set(findings.map((f) => f.repair).filter((r): r is RepairMode => r !== null));
  // Every output gets an index rebuilt from its shards, so repair-all always includes it when there are weights.
  if (files.some(isShard) || files.some(isNpz)) wanted.add("repair-index");
  const order: RepairMode[] = ["repair-weights", "repair-index", "repair-config", "add-preprocessor-config"];
  return order.filter((step) => wanted.has(step));
}

/** npz archives → safetensors shards laid out like mlx-lm's (5 GiB limit), `{"format": "mlx"}` metadata. */
async function convertNpz(source: string, target: string, archives: string[], signal?: AbortSignal): Promise<string[]> {
  const entries: NpzEntry[] = [];
  for (const archive of archives) {
    for await (const entry of readNpz(join(source, archive))) {
      signal?.throwIfAborted();
      if (entries.some((e) => e.name === entry.name)) {
        throw new WhetError("duplicate_tensor", `Array '${entry.name}' appears in more than one .npz archive`, "Keep one archive with the weights and try again.");
      }
      entries.push(entry);
    }
  }
  const shards = makeShards(entries.map((e) => ({ ...e, bytes: e.data.byteLength })));
  for (const shard of shards) {
    await writeSafetensors(join(target, shard.file), shard.tensors.map(({ name, dtype, shape, data }) => ({ name, dtype, shape, data })));
  }
  return shards.map((s) => s.file);
}

/**
 * The repair modes of `convert` (ADR-018 category A): copy the model into a new
 * managed workspace and fix it there. The source is only read; every step is
 * deterministic; a failure leaves the target as it was before.
 */
export async function repairModel(params: RepairParams): Promise<RepairResult> {
  const { mode, roots, skipHealth = false, signal, onProgress } = params;
  const paths = await checkConvertPaths(params.source, params.target, roots);

  onProgress?.({ phase: "checking", filesDone: 0, filesTotal: 0 });
  const before = await checkModel(paths.source);
  const files = await listModelFiles(paths.source);
  const steps = planSteps(mode, before.findings, files);
  const converting = steps.includes("repair-weights");
  const blocker = before.findings.find((f) => UNREPAIRABLE.has(f.id));
  if (blocker) refuse(blocker);
  const npz = converting ? files.filter(isNpz) : [];
  const shards = files.filter(isShard);
  if (steps.includes("repair-index") && shards.length === 0 && npz.length === 0) {
    const hint = files.some(isNpz) ? `The weights are in .npz: use --repair-weights (or --repair-all).` : "Run `whet health` to see what the model holds.";
    throw new WhetError("no_safetensors", `No safetensors shards in ${paths.source}`, hint);
  }
  if (steps.includes("add-preprocessor-config") && !before.findings.some((f) => f.id === "preprocessor-config-missing")) {
    throw new WhetError("not_applicable", "add-preprocessor-config is for Whisper models that lack preprocessor_config.json", "This model does not need it; run `whet health` to see what it needs.");
  }

  const cleanup = await createTarget(paths, mode);
  try {
    const unmetadated = new Set(converting ? before.findings.find((f) => f.id === "safetensors-metadata-missing")?.evidence.files : []);
    const copied = files.filter((f) => f !== INDEX_FILE && !npz.includes(f) && !(isShard(f) && unmetadated.has(f)));
    const total = copied.length + unmetadated.size + npz.length;
    let done = 0;
    const tick = () => onProgress?.({ phase: "copying", filesDone: ++done, filesTotal: total });
    // Small files first, then the shards: an interrupted copy never has shards without config.
    await copyModelFiles(paths.source, paths.target, copied.filter((f) => !isShard(f)), signal, tick);
    await copyModelFiles(paths.source, paths.target, copied.filter(isShard), signal, tick);

    const changes: string[] = [];
    let outputShards = shards;
    if (converting) {
      onProgress?.({ phase: "converting-weights", filesDone: done, filesTotal: total });
      for (const shard of unmetadated) {
        signal?.throwIfAborted();
        await copyWithMetadata(join(paths.source, shard), join(paths.target, shard), { format: "mlx" });
        changes.push(`${shard}: added __metadata__ {"format": "mlx"}`);
        tick();
      }
      if (npz.length > 0) {
        outputShards = await convertNpz(paths.source, paths.target, npz, signal);
        changes.push(`${npz.join(", ")} → ${outputShards.join(", ")}`);
      }
    }

    signal?.throwIfAborted();
    let index = { shards: [] as string[], tensors: 0, weightMap: new Map<string, string>() };
    if (outputShards.length > 0 && (steps.includes("repair-index") || converting)) {
      onProgress?.({ phase: "rebuilding-index", filesDone: total, filesTotal: total });
      index = await rebuildIndex(paths.target, outputShards);
      changes.push(`${INDEX_FILE}: rebuilt from ${index.shards.length} shard header(s), ${index.tensors} tensors`);
    } else if (files.includes(INDEX_FILE)) {
      await copyModelFiles(paths.source, paths.target, [INDEX_FILE], signal);
    }

    if (steps.includes("repair-config")) {
      onProgress?.({ phase: "fixing-config", filesDone: total, filesTotal: total });
      const target = await modelFolder(paths.target);
      const config = await readJsonObject(target, "config.json");
      if (config) {
        const generationConfig = await readJsonObject(target, "generation_config.json");
        const fix = fixConfig(
          {
            config,
            generationConfig,
            tokenizerConfig: await readJsonObject(target, "tokenizer_config.json"),
            tokenizer: await readJsonObject(target, "tokenizer.json"),
            chatTemplateFile: (await readChatTemplateFile(target)).template,
          },
          before.findings,
        );
        if (fix.changes.length > 0) {
          await writeJson(join(paths.target, "config.json"), fix.files.config);
          if (fix.files.generationConfig && JSON.stringify(fix.files.generationConfig) !== JSON.stringify(generationConfig)) {
            await writeJson(join(paths.target, "generation_config.json"), fix.files.generationConfig);
          }
          changes.push(...fix.changes);
        }
      }
    }
    if (steps.includes("add-preprocessor-config")) {
      const config = (await readJsonObject(paths.target, "config.json")) ?? {};
      await writeJson(join(paths.target, "preprocessor_config.json"), whisperPreprocessorConfig(config));
      changes.push("preprocessor_config.json: added the standard Whisper feature-extractor config");
    }

    const stale = before.findings.flatMap((f) =>
      f.id === "index-shard-mismatch" || f.id === "index-unknown-keys" ? (f.evidence.tensors ?? []) : [],
    );
    const droppedFromIndex = [...new Set(stale)].filter((t) => !index.weightMap.has(t)).sort();

    await markTargetComplete(paths.target);
    let health: HealthReport | null = null;
    if (!skipHealth) {
      onProgress?.({ phase: "health-check", filesDone: total, filesTotal: total });
      health = await checkModel(paths.target);
    }
    const remaining = new Set((health ?? (await checkModel(paths.target))).findings.map((f) => f.id));
    const fixed = [
      ...new Set(before.findings.filter((f) => f.repair !== null && steps.includes(f.repair) && !remaining.has(f.id)).map((f) => f.id)),
    ];
    const hash = await computeContentHash(paths.target);
    await updateSentinel(paths.target, {
      repair: { mode, steps, fixed, changes, dropped_from_index: droppedFromIndex },
      ...(health ? { health: { status: health.healthy ? "healthy" : "unhealthy", reason: health.reason } } : {}),
      ...(hash ? hashFields(hash) : {}),
    });
    return {
      source: paths.source,
      target: paths.target,
      mode,
      steps,
      fixed,
      changes,
      shards: index.shards,
      tensors: index.tensors,
      droppedFromIndex,
      health,
      contentHash: hash?.contentHash ?? null,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
