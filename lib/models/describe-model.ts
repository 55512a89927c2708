import { readdir, stat } from "node:fs/promises";
import { folderSize } from "../fs/folder-size";
import { modelFolder, readModelText } from "../fs/model-folder";
import { readJsonObject } from "../fs/read-json-object";
import { isWhetError } from "../errors";
import { MAX_GGUF_FILES, readGgufHeader, type GgufSummary } from "../gguf/read-gguf-header";
import { checkModel, type HealthReport } from "../health/check-model";
import { isWorkspaceClean } from "../workspace/content-hash";
import { readSentinel } from "../workspace/sentinel";
import type { ResolvedModel } from "./resolve-model";

/** mlx-knife's model object (JSON API 0.2.x field names), plus the health report behind it. */
export interface ModelObject {
  name: string;
  hash: string | null;
  size_bytes: number;
  last_modified: string;
  framework: "MLX" | "GGUF" | "PyTorch" | "Unknown";
  model_type: string;
  capabilities: string[];
  health: "healthy" | "unhealthy";
  runtime_compatible: boolean;
  reason: string | null;
  cached: boolean;
  origin: string | null;
  content_hash: string | null;
  hash_modified: string | null;
  clean: boolean | null;
  display_name: string | null;
  quantization: Record<string, unknown> | null;
}

export interface DescribedModel {
  model: ModelObject;
  report: HealthReport;
  path: string;
  kind: ResolvedModel["kind"];
  config: Record<string, unknown> | null;
  /** The folder a converted workspace was made from, as its sentinel records it; null for anything else. */
  sourcePath: string | null;
  /** Summaries of the readable top-level `*.gguf` files (a damaged one is a health finding instead). */
  gguf: GgufSummary[];
}

/** A repo can hold one GGUF per quantization; more than this are not summarised. */

/** Model cards are a few kilobytes; only the front matter and first lines matter here. */
const MAX_README_BYTES = 1024 ** 2;

/** UTC to the second with `Z`, the model object's timestamp form (mlx-knife printed local time by mistake). */
export function isoUtcSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function frameworkOf(name: string, config: Record<string, unknown> | null, readme: string, files: string[]): ModelObject["framework"] {
  if (name.includes("mlx-community/")) return "MLX";
  if (/^library_name:\s*mlx\s*$/m.test(readme) || /^\s*-\s*mlx\s*$/m.test(readme.split("---")[1] ?? "")) return "MLX";
  if (config && "quantization" in config) return "MLX";
  if (files.some((f) => f.endsWith(".gguf"))) return "GGUF";
  if (files.some((f) => f.endsWith(".safetensors") || /^pytorch_model.*\.bin$/.test(f))) return "PyTorch";
  return "Unknown";
}

function modelTypeOf(name: string, config: Record<string, unknown> | null, tokenizerConfig: Record<string, unknown> | null): string {
  const type = typeof config?.model_type === "string" ? config.model_type.toLowerCase() : "";
  if (/whisper|voxtral|vibevoice/.test(type)) return "audio";
  if (typeof tokenizerConfig?.chat_template === "string" && tokenizerConfig.chat_template !== "") return "chat";
  if (/instruct|chat/i.test(name)) return "chat";
  return "base";
}

/** Builds the model object for a resolved model: health, framework, type, size. Reads no tensor data. */
export async function describeModel(resolved: ResolvedModel): Promise<DescribedModel> {
  const { path } = resolved;
  const folder = await modelFolder(path);
  const [report, config, tokenizerConfig, sentinel, info] = await Promise.all([
    checkModel(path, resolved.kind === "cache" ? resolved.repoId : undefined),
    readJsonObject(folder, "config.json"),
    readJsonObject(folder, "tokenizer_config.json"),
    resolved.kind === "workspace" ? readSentinel(path) : Promise.resolve(null),
    stat(path),
  ]);
  const files = await readdir(path);
  const readme = (await readModelText(folder, "README.md", { maxBytes: MAX_README_BYTES }).catch(() => null)) ?? "";
  const framework = frameworkOf(resolved.name, config, readme, files);
  const gguf: GgufSummary[] = [];
  for (const file of files.filter((f) => f.endsWith(".gguf")).sort().slice(0, MAX_GGUF_FILES)) {
    const summary = await readGgufHeader(folder, file).catch((error: unknown) => {
      if (isWhetError(error)) return null;
      throw error;
    });
    if (summary) gguf.push(summary);
  }
  const modelType = modelTypeOf(resolved.name, config, tokenizerConfig);
  const capabilities = modelType === "audio" ? ["audio"] : modelType === "chat" ? ["text-generation", "chat"] : ["text-generation"];
  const runtimeReason = !report.healthy
    ? report.reason
    : framework !== "MLX"
      ? `Incompatible framework: ${framework}`
      : typeof config?.model_type !== "string"
        ? "config.json missing model_type field"
        : null;
  const quantization = config?.quantization;
  return {
    path,
    kind: resolved.kind,
    report,
    config,
    sourcePath: typeof sentinel?.source_path === "string" ? sentinel.source_path : null,
    gguf,
    model: {
      name: resolved.kind === "cache" ? resolved.repoId : path,
      hash: resolved.kind === "cache" && /^[0-9a-f]{40}$/.test(resolved.commit) ? resolved.commit : null,
      size_bytes: await folderSize(path),
      last_modified: isoUtcSeconds(info.mtime),
      framework,
      model_type: modelType,
      capabilities,
      health: report.healthy ? "healthy" : "unhealthy",
      runtime_compatible: runtimeReason === null,
      reason: runtimeReason,
      cached: resolved.kind === "cache",
      origin: sentinel?.source_repo ?? null,
      content_hash: typeof sentinel?.content_hash === "string" ? sentinel.content_hash : null,
      hash_modified: typeof sentinel?.hash_modified === "string" ? sentinel.hash_modified : null,
      clean: sentinel ? await isWorkspaceClean(path, sentinel) : null,
      display_name: resolved.kind === "workspace" ? resolved.name.split("/").pop() ?? resolved.name : null,
      quantization: typeof quantization === "object" && quantization !== null ? (quantization as Record<string, unknown>) : null,
    },
  };
}
