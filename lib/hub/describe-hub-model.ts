import { toWhetError } from "../errors";
import { countRemoteParameters, type RemoteParameterCount } from "./count-remote-parameters";
import { findLocalCopies, type LocalCopies } from "./find-local-copies";
import type { HubAccess } from "./hub-access";
import type { HubCall } from "./hub-call";
import { memoryFit, type MachineMemory, type MemoryFit } from "./memory-fit";
import { readHubModelCard } from "./read-hub-model-card";
import { readHubModelConfig, type HubModelConfig } from "./read-hub-model-config";
import { readHubModelInfo, type HubModelInfo } from "./read-hub-model-info";

/** A part of the page that could not be read: said in words, the rest of the page still shown. */
export type Section<T> = { ok: true; value: T } | { ok: false; code: string; message: string; hint: string };

export interface HubModelPage extends HubModelInfo {
  revision: string;
  /** Sum of the files' known sizes. */
  totalBytes: number;
  /** The safetensors shards the model loads, and their bytes (what memory must hold). */
  weightShards: string[];
  weightBytes: number;
  config: Section<Omit<HubModelConfig, "mlxBits">>;
  /** Markdown of the card without its metadata; null when the repo has no README.md. */
  card: Section<string | null>;
  parameters: Section<RemoteParameterCount> | null;
  memory: (MemoryFit & MachineMemory) | null;
  local: LocalCopies;
}

export interface DescribeHubModelDeps {
  access: HubAccess;
  roots: { hubCache: string; workspaceRoot: string };
  memory: () => MachineMemory;
  signal?: AbortSignal;
}

/**
 * The shards a model loads: `model.safetensors` or `model-0000i-of-0000n.safetensors`
 * when there are any (repos that also keep `consolidated.safetensors` or
 * adapters would be counted twice otherwise), else every top-level shard.
 */
function weightShardsOf(files: HubModelInfo["files"]): HubModelInfo["files"] {
  const top = files.filter((f) => f.path.endsWith(".safetensors") && !f.path.includes("/"));
  const model = top.filter((f) => /^model(-\d+-of-\d+)?\.safetensors$/.test(f.path));
  return model.length > 0 ? model : top;
}

async function section<T>(work: () => Promise<T>): Promise<Section<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const { code, message, hint } = toWhetError(error);
    return { ok: false, code, message, hint };
  }
}

/**
 * Everything the model page shows about `repoId@revision`: the Hub's info,
 * then config, card and parameter count side by side (each may fail on its
 * own), whether it fits this machine and where it already is locally.
 */
export async function describeHubModel(deps: DescribeHubModelDeps, repoId: string, revision = "main"): Promise<HubModelPage> {
  const call = (doing: string): HubCall => ({ access: deps.access, spec: repoId, doing, ...(deps.signal ? { signal: deps.signal } : {}) });
  const info = await readHubModelInfo(call(`reading the model info of ${repoId}`), repoId, revision);
  const has = (path: string) => info.files.some((f) => f.path === path);
  const shards = weightShardsOf(info.files);
  const weightBytes = shards.reduce((n, f) => n + (f.size ?? 0), 0);

  const configRead = has("config.json") ? readHubModelConfig(call(`reading config.json of ${repoId}`), repoId, info.commit) : null;
  const [config, card, parameters, local] = await Promise.all([
    section(async () => {
      if (!configRead) return { modelType: null, architectures: [], quantization: null };
      const { modelType, architectures, quantization } = await configRead;
      return { modelType, architectures, quantization };
    }),
    section(async () => (has("README.md") ? readHubModelCard(call(`reading the model card of ${repoId}`), repoId, info.commit) : null)),
    shards.length === 0
      ? Promise.resolve(null)
      : section(async () => {
          const bits = configRead ? ((await configRead.catch(() => null))?.mlxBits ?? null) : null;
          return countRemoteParameters(call(`reading the safetensors headers of ${repoId}`), { repoId, commit: info.commit, shards: shards.map((s) => s.path) }, bits);
        }),
    findLocalCopies(deps.roots, info.id, info.commit),
  ]);
  const machine = deps.memory();
  return {
    ...info,
    revision,
    totalBytes: info.files.reduce((n, f) => n + (f.size ?? 0), 0),
    weightShards: shards.map((s) => s.path),
    weightBytes,
    config,
    card,
    parameters,
    memory: weightBytes > 0 ? { ...memoryFit(weightBytes, machine), ...machine } : null,
    local,
  };
}
