import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { WhetError } from "../errors";
import { SENTINEL_FILE } from "../workspace/sentinel";
import type { Finding } from "./finding";
import { inspectFolder, type FolderFacts } from "./inspect-folder";
import { configRules } from "./rules/config-rules";
import { configNumbers } from "./rules/config-numbers";
import { indexConsistency } from "./rules/index-consistency";
import type { Rule } from "./rules/rule";
import { shardIntegrity } from "./rules/shard-integrity";
import { ggufHeader } from "./rules/gguf-header";
import { tokenizerFiles } from "./rules/tokenizer-files";
import { weightPresence } from "./rules/weight-presence";
import { tokenizerRegex } from "./rules/tokenizer-regex";
import { tokenizerRegexBacktracking } from "./rules/tokenizer-regex-backtracking";
import { remoteCode } from "./rules/remote-code";
import { chatTemplate } from "./rules/chat-template";
import { workspaceIncomplete } from "./rules/workspace-incomplete";
import { safetensorsMetadata } from "./rules/safetensors-metadata";
import { modelStructure, tiedEmbeddings } from "./rules/model-structure";
import { vocabSize } from "./rules/vocab-size";
import { quantizationConsistency } from "./rules/quantization-consistency";
import { eosConsistency } from "./rules/eos-consistency";
import { unsafeFiles } from "./rules/unsafe-files";

/**
 * mlx-knife's integrity rules, in its order, so the first blocking reason matches its report;
 * an unfinished workspace comes first, as it explains whatever else is missing (config numbers,
 * remote code, GGUF headers and unsafe files are Whetstone's own).
 */
const INTEGRITY: readonly Rule[] = [workspaceIncomplete, configRules, configNumbers, remoteCode, weightPresence, shardIntegrity, ggufHeader, indexConsistency, tokenizerFiles, unsafeFiles];

/** Findings that mean some weights are not here: checking what the rest lacks would only repeat them. */
const INCOMPLETE = new Set(["clone-incomplete", "convert-incomplete", "shards-missing", "partial-download", "lfs-pointer", "shard-truncated", "shard-corrupt", "shard-empty", "broken-link", "unsafe-file"]);

/** Consistency between files, beyond mlx-knife's checks. */
const CONSISTENCY: readonly Rule[] = [
  modelStructure,
  tiedEmbeddings,
  vocabSize,
  quantizationConsistency,
  tokenizerRegex,
  tokenizerRegexBacktracking,
  chatTemplate,
  eosConsistency,
  safetensorsMetadata,
];

async function applyRules(rules: readonly Rule[], facts: FolderFacts): Promise<Finding[]> {
  return (await Promise.all(rules.map((rule) => rule(facts)))).flat();
}

export interface HealthReport {
  path: string;
  /** No finding blocks loading. */
  healthy: boolean;
  /** One line: the first blocking finding's reason, or why the model is fine. */
  reason: string;
  findings: Finding[];
  /** Has a valid `.mlxk_workspace.json` with managed: true. */
  managed: boolean;
  /** Bytes read from disk: headers, configs and small files, never tensor data. */
  bytesRead: number;
}

/**
 * Health-checks one model folder (a workspace, a cache snapshot or any directory).
 * `name` (a repo id for cache snapshots) feeds the rules that go by naming conventions.
 */
export async function checkModel(dir: string, name?: string): Promise<HealthReport> {
  const path = resolve(dir);
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) {
    throw new WhetError(
      "model_path_not_found",
      info ? `${path} is not a directory` : `${path} does not exist`,
      "Give the path of a model folder, or a model name from `whet list`.",
    );
  }
  const facts = await inspectFolder(path, name);
  const findings = await applyRules(INTEGRITY, facts);
  if (!findings.some((f) => INCOMPLETE.has(f.id))) findings.push(...(await applyRules(CONSISTENCY, facts)));
  const blocking = findings.find((f) => f.severity === "blocks-loading");
  const { sentinel } = facts;
  if (sentinel.state === "invalid") {
    findings.push({
      id: "sentinel-invalid",
      severity: "cosmetic",
      message: `${SENTINEL_FILE} ${sentinel.problem}; the folder is treated as not managed by Whetstone or mlx-knife.`,
      reason: "Workspace sentinel invalid",
      evidence: { file: SENTINEL_FILE },
      repair: null,
      hint: `Delete ${SENTINEL_FILE} if another tool or the repository put it there; clone or convert the model again for a managed workspace.`,
    });
  }
  return {
    path,
    healthy: blocking === undefined,
    reason: blocking?.reason ?? (facts.index.state === "ok" ? "Multi-file model complete" : "Model is healthy"),
    findings,
    managed: sentinel.state === "ok" && sentinel.sentinel.managed,
    bytesRead: facts.bytesRead,
  };
}
