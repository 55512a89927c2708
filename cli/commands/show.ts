import { modelFolder } from "../../lib/fs/model-folder";
import { describeUnsafe } from "../../lib/fs/unsafe-file";
import { walkModelFolder } from "../../lib/fs/walk-model-folder";
import { describeModel, type ModelObject } from "../../lib/models/describe-model";
import { resolveModel } from "../../lib/models/resolve-model";
import { readSentinel, SENTINEL_FILE } from "../../lib/workspace/sentinel";
import { UsageError, type Command } from "../command";
import { formatBytes } from "../../lib/format/format-bytes";
import { ggufFacts } from "../../lib/gguf/gguf-facts";
import type { GgufSummary } from "../../lib/gguf/read-gguf-header";
import type { Finding } from "../../lib/health/finding";

function fileType(name: string): string {
  if (name === "config.json") return "config";
  if (/\.(safetensors|bin|gguf|npz)$/.test(name)) return "weights";
  if (name.includes("tokenizer")) return "tokenizer";
  if (name.endsWith(".json")) return "config";
  if (name === "README.md") return "readme";
  return "other";
}

function metadataOf(cfg: Record<string, unknown>): Record<string, unknown> {
  const pick = ["model_type", "vocab_size", "hidden_size", "num_attention_heads", "num_hidden_layers"] as const;
  const metadata: Record<string, unknown> = {};
  for (const key of pick) if (key in cfg) metadata[key] = cfg[key];
  if (Array.isArray(cfg.architectures)) metadata.architecture = cfg.architectures[0];
  if ("max_position_embeddings" in cfg) metadata.context_length = cfg.max_position_embeddings;
  return metadata;
}

/** Each readable GGUF file's summary; a damaged one by its health finding, so the file is not silently missing. */
function ggufLines(summaries: readonly GgufSummary[], findings: readonly Finding[]): string[] {
  return [
    ...summaries.flatMap((s) => [`GGUF file: ${s.file}`, ...ggufFacts(s).map(([label, value]) => `  ${label}: ${value}`)]),
    ...findings.filter((f) => f.id.startsWith("gguf-")).map((f) => `GGUF file: ${f.message}`),
  ];
}

function summary(m: ModelObject, path: string, metadata: Record<string, unknown>, sentinel: Record<string, unknown> | null, gguf: readonly GgufSummary[], findings: readonly Finding[]): string {
  return [
    `Model: ${m.name}`,
    ...(m.hash ? [`Commit: ${m.hash}`] : []),
    `Path: ${path}`,
    `Size: ${formatBytes(m.size_bytes)}`,
    `Framework: ${m.framework}    Type: ${m.model_type}`,
    `Health: ${m.health}${m.reason ? ` — ${m.reason}` : ""}`,
    ...Object.entries(metadata).map(([k, v]) => `${k}: ${String(v)}`),
    ...ggufLines(gguf, findings),
    ...(sentinel?.source_repo ? [`Origin: ${String(sentinel.source_repo)}${sentinel.source_revision ? `@${String(sentinel.source_revision)}` : ""}`] : []),
  ].join("\n");
}

export const showCommand: Command = {
  name: "show",
  summary: "Show one model: metadata, health, files or config",
  usage: "whet show MODEL [--files | --config] [--json]",
  options: { files: { type: "boolean" }, config: { type: "boolean" } },
  async run(positionals, values, { config }) {
    const spec = positionals[0];
    if (!spec) throw new UsageError("show needs MODEL");
    const resolved = await resolveModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { allowPaths: true });
    const described = await describeModel(resolved);
    const sentinel: Record<string, unknown> | null = resolved.kind === "workspace" ? ((await readSentinel(resolved.path)) ?? {}) : null;
    const metadata = metadataOf(described.config ?? {});
    const data: Record<string, unknown> = { model: described.model, workspace_metadata: sentinel, findings: described.report.findings };
    let human: string;
    if (values.files) {
      const walk = await walkModelFolder(await modelFolder(resolved.path));
      const files = walk.files.filter((f) => f.path !== SENTINEL_FILE).map((f) => ({ name: f.path, size: formatBytes(f.size), type: fileType(f.path.split("/").pop() as string) }));
      data.files = files;
      data.unsafe_entries = walk.unsafe;
      human = [
        ...files.map((f) => `${f.name.padEnd(44)} ${f.size.padStart(9)}  ${f.type}`),
        ...walk.unsafe.map((u) => `not read: ${describeUnsafe(u)}`),
      ].join("\n");
    } else if (values.config) {
      data.config = described.config;
      human = JSON.stringify(data.config, null, 2);
    } else {
      data.metadata = Object.keys(metadata).length ? metadata : null;
      if (described.gguf.length) data.gguf = described.gguf;
      human = summary(described.model, resolved.path, metadata, sentinel, described.gguf, described.report.findings);
    }
    return { ok: true, data, human };
  },
  /** The remote's model by its name there: metadata, health and config (its files are listed on its workspace page). */
  async remote(positionals, values, { client, target }) {
    const spec = positionals[0];
    if (!spec) throw new UsageError("show needs MODEL");
    if (values.files) throw new UsageError(`--files lists folders on this machine; see the files of ${spec} on ${target.label}'s workspace page`);
    const { model, report, config, path, gguf } = await client.models.get.query({ spec });
    const data: Record<string, unknown> = { model, workspace_metadata: null, findings: report.findings };
    if (values.config) {
      data.config = config;
      return { ok: true, data, human: JSON.stringify(config, null, 2) };
    }
    const metadata = metadataOf(config ?? {});
    data.metadata = Object.keys(metadata).length ? metadata : null;
    if (gguf.length) data.gguf = gguf;
    return { ok: true, data, human: summary(model, path, metadata, null, gguf, report.findings) };
  },
};
