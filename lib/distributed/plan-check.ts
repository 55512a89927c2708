import { totalmem } from "node:os";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import { modelFolder } from "../fs/model-folder";
import { readJsonObject } from "../fs/read-json-object";
import { walkModelFolder } from "../fs/walk-model-folder";
import { assertConfigNumbers, configCount, countSchema } from "../health/config-numbers";
import { hostProber, type HostProbe, type ProbeHost } from "./host-probe";
import { isLocalHost, localHostfile, MAX_HOSTS, type Hostfile } from "./hostfile";
import { planMemory, type MemoryPlan } from "./memory-estimate";
import { pipelineShards, readPipelineLayout } from "./pipeline-shards";

export type ParallelMode = "tensor" | "pipeline";

/** How a model should be spread: N ranks on this machine, or one rank per hostfile entry. */
export type GroupRequest = ({ ranks: number; hostfile?: undefined } | { hostfile: Hostfile; ranks?: undefined }) & {
  /** `auto` takes tensor parallel when the heads divide, else pipeline where the model has it. */
  mode?: ParallelMode | "auto";
  /**
   * Pipeline only: each rank's own copy of the model, rank 0 first, holding
   * just the shards its layers need (fetchRankShards makes them). Without it
   * every rank loads `modelPath`.
   */
  rankModelPaths?: string[];
};

export interface GroupPlan {
  mode: ParallelMode;
  ranks: number;
  /** One entry per rank, rank 0 first; `-n N` is N entries of 127.0.0.1. */
  hostfile: Hostfile;
  /** Started with `-n N` (every rank here) rather than `--hostfile`. */
  local: boolean;
  heads: { attention: number | null; keyValue: number | null };
  memory: MemoryPlan;
  versions: { python: string; mlx: string; mlxLm: string };
  /** Each rank's folder and the shards it holds, when the ranks have their own partial copies (pipeline). */
  rankModels: { paths: string[]; shards: string[][] } | null;
}

export interface PlanCheckDeps {
  /** This machine's memory; os.totalmem() unless a test says otherwise. */
  totalMemory?: () => number;
  probeHost?: ProbeHost;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Rank counts from 2 to MAX_HOSTS that divide every one of `counts`. */
export function rankCountsDividing(counts: number[]): number[] {
  const g = counts.reduce(gcd, 0);
  return Array.from({ length: MAX_HOSTS - 1 }, (_, i) => i + 2).filter((n) => g > 0 && g % n === 0);
}

function textConfig(config: Record<string, unknown>): Record<string, unknown> {
  const text = config.text_config;
  return typeof text === "object" && text !== null && !Array.isArray(text) ? (text as Record<string, unknown>) : {};
}

/** A count from config.json or its text_config, already bounded by CONFIG_LIMITS; null when absent. */
function count(config: Record<string, unknown>, key: Parameters<typeof configCount>[1]): number | null {
  return configCount(config, key) ?? configCount(textConfig(config), key);
}

async function readConfig(modelPath: string, name: string): Promise<Record<string, unknown>> {
  const config = await readJsonObject(modelPath, "config.json");
  if (!config) throw new WhetError("model_config_missing", `${name} has no readable config.json`, `Run \`whet health ${name}\` to see what is wrong with the folder.`);
  assertConfigNumbers(config);
  return config;
}

function chooseMode(options: {
  name: string;
  ranks: number;
  requested: ParallelMode | "auto";
  heads: number | null;
  kvHeads: number | null;
  intermediate: number | null;
  layers: number | null;
  modelType: string;
  support: { tensor: boolean; pipeline: boolean };
  hasIndex: boolean;
}): ParallelMode {
  const { name, ranks, requested, heads, kvHeads, intermediate, layers, modelType, support, hasIndex } = options;
  const pipelineNote = support.pipeline ? `or pipeline parallel (--mode pipeline)` : `${modelType} models have no pipeline mode in mlx-lm, so tensor parallel is the only way to split this one`;

  const tensorProblem = (): WhetError | null => {
    if (!support.tensor) return new WhetError("tensor_parallel_unsupported", `mlx-lm cannot split ${modelType} models by tensor (the model class has no shard())`, support.pipeline ? "Use pipeline parallel: --mode pipeline." : "Serve it on one machine: drop --ranks.");
    if (heads === null) return new WhetError("tensor_parallel_heads", `${name}'s config.json does not say how many attention heads it has`, "Tensor parallel splits the heads across ranks; without the count it cannot be planned.");
    const kv = kvHeads ?? heads;
    const counts = [heads, kv, ...(intermediate !== null ? [intermediate] : [])];
    if (counts.every((c) => c % ranks === 0)) return null;
    const fits = rankCountsDividing(counts);
    const intermediateNote = intermediate !== null && intermediate % ranks !== 0 && heads % ranks === 0 && kv % ranks === 0 ? ` and an MLP ${intermediate} wide` : "";
    return new WhetError(
      "tensor_parallel_heads",
      `${name} has ${heads} attention heads and ${kv} key/value heads${intermediateNote}: tensor parallel needs them divisible by the number of ranks, and ${ranks} does not divide them`,
      `${fits.length ? `Use ${fits.length === 1 ? "" : "one of "}${fits.join(", ")} ranks` : "No rank count divides them"}; ${pipelineNote}.`,
      { heads, kv_heads: kv, ranks, rank_counts_that_fit: fits },
    );
  };

  const pipelineProblem = (): WhetError | null => {
    if (!support.pipeline) return new WhetError("pipeline_unsupported", `mlx-lm has no pipeline mode for ${modelType} models`, support.tensor ? "Use tensor parallel (--mode tensor) with a rank count that divides the heads." : "Serve it on one machine: drop --ranks.");
    if (layers === null) return new WhetError("pipeline_layers", `${name}'s config.json does not say how many layers it has`, "Pipeline parallel splits the layers across ranks; without the count it cannot be planned.");
    if (layers < ranks) return new WhetError("pipeline_layers", `${name} has ${layers} layers, fewer than ${ranks} ranks`, `Use at most ${layers} ranks.`);
    if (!hasIndex) return new WhetError("pipeline_needs_index", `${name} has no model.safetensors.index.json, which mlx-lm's pipeline loading reads to give each rank its layers`, "Use tensor parallel, or convert the model with sharded weights (`whet convert`).");
    return null;
  };

  if (requested === "tensor") {
    const problem = tensorProblem();
    if (problem) throw problem;
    return "tensor";
  }
  if (requested === "pipeline") {
    const problem = pipelineProblem();
    if (problem) throw problem;
    return "pipeline";
  }
  const tensor = tensorProblem();
  if (!tensor) return "tensor";
  if (!pipelineProblem()) return "pipeline";
  throw tensor;
}

/**
 * Each rank's own copy holds the shards its layers need, as mlx-lm's pipeline
 * will ask for them (on this machine; another host's copy is probed over
 * ssh like a whole model): a missing one would leave that stage with random
 * weights (mlx-lm loads pipeline stages non-strictly), so it is refused here.
 */
async function checkRankModels(options: { name: string; ranks: number; mode: ParallelMode; paths: string[]; local: boolean[] }) {
  const { name, ranks, mode, paths, local } = options;
  if (mode !== "pipeline") {
    throw new WhetError("rank_models_need_pipeline", "Ranks with their own partial copies of a model can only run it as a pipeline", "Use --mode pipeline, or give every rank the whole model.");
  }
  if (paths.length !== ranks) throw new WhetError("rank_models_count", `${paths.length} model copies were given for ${ranks} ranks`, "Give one copy per rank, rank 0 first.");
  const layout = await readPipelineLayout(paths[0] as string, name);
  const shards = pipelineShards(layout.weightMap, layout.layers, ranks);
  for (const [rank, path] of paths.entries()) {
    // Another host's copy is asked about over ssh, with the versions.
    if (!local[rank]) continue;
    const { files } = await walkModelFolder(await modelFolder(path));
    const present = new Set(files.filter((f) => !f.brokenLink).map((f) => f.path));
    const absent = (shards[rank] ?? []).find((file) => !present.has(file));
    if (absent) {
      throw new WhetError("rank_shards_missing", `Rank ${rank}'s copy of ${name} lacks ${absent}, which holds weights of its layers`, "Fetch the model for the group again: each rank's copy needs the shards of its own layers and those with the embeddings, final norm and head.", { rank, file: absent });
    }
  }
  return { paths, shards, totalSize: layout.totalSize };
}

function sameVersions(a: HostProbe, b: HostProbe): boolean {
  return a.python === b.python && a.mlx === b.mlx && a.mlx_lm === b.mlx_lm;
}

function versionsText(p: HostProbe): string {
  return `Python ${p.python}, mlx ${p.mlx ?? "missing"}, mlx-lm ${p.mlx_lm ?? "missing"}`;
}

/**
 * Everything that can be known before mlx.launch starts, each failure a
 * WhetError with the fix: the split fits the model (heads and key/value heads
 * divide by the ranks for tensor parallel; the class has pipeline() for
 * pipeline), each host has the memory its ranks need, every host answers with
 * the same Python, mlx and mlx-lm, and has the model at the same path. Only
 * hosts named in a hostfile are contacted (over ssh); `-n N` touches nothing
 * but this machine.
 */
export async function checkPlan(options: {
  modelPath: string;
  name: string;
  request: GroupRequest;
  config: Pick<WhetConfig, "python" | "projectRoot">;
  deps?: PlanCheckDeps;
}): Promise<GroupPlan> {
  const { modelPath, name, request, config, deps = {} } = options;
  const probeHost = deps.probeHost ?? hostProber(config);
  const hostfile = request.hostfile ?? localHostfile(request.ranks ?? 0);
  const ranks = hostfile.hosts.length;
  if (!countSchema(MAX_HOSTS, 2).safeParse(ranks).success) {
    throw new WhetError("ranks_invalid", `A distributed group needs 2 to ${MAX_HOSTS} ranks, not ${ranks}`, "Pass --ranks 2 or more, or a hostfile with two or more hosts; one rank is plain `whet serve`.");
  }

  const modelConfig = await readConfig(modelPath, name);
  const local = await probeHost(hostfile.hosts[0] as Hostfile["hosts"][0], modelPath);
  if (!local.ok) throw new WhetError("python_missing", `The project's Python could not be asked about ${name}: ${local.reason}`, "Run `whet doctor`; `npm run setup` installs the venv.");
  const here = local.probe;
  if (!here.mlx || !here.mlx_lm) throw new WhetError("mlx_missing", "mlx or mlx-lm is not installed in the project's Python", "Run `npm run setup`.");
  if (!here.support) {
    throw new WhetError("architecture_unsupported", `mlx-lm cannot load ${name}: ${here.support_error ?? "its model type is unknown"}`, `Run \`whet health ${name}\`.`);
  }

  const heads = count(modelConfig, "num_attention_heads");
  const kvHeads = count(modelConfig, "num_key_value_heads");
  const layers = count(modelConfig, "num_hidden_layers");
  const folder = await modelFolder(modelPath);
  const { files } = await walkModelFolder(folder);
  const mode = chooseMode({
    name,
    ranks,
    // Partial copies hold a stage's layers each: only a pipeline can run from them.
    requested: request.rankModelPaths ? (request.mode === "tensor" ? "tensor" : "pipeline") : (request.mode ?? "auto"),
    heads,
    kvHeads,
    intermediate: count(modelConfig, "intermediate_size"),
    layers,
    modelType: typeof modelConfig.model_type === "string" ? modelConfig.model_type.slice(0, 64) : "this",
    support: here.support,
    hasIndex: files.some((f) => f.path === "model.safetensors.index.json"),
  });

  const rankModels = request.rankModelPaths ? await checkRankModels({ name, ranks, mode, paths: request.rankModelPaths, local: hostfile.hosts.map(isLocalHost) }) : null;
  const pathOn = (ssh: string) => rankModels?.paths[hostfile.hosts.findIndex((h) => h.ssh === ssh)] ?? modelPath;

  // Other machines are asked only now, once the split itself is possible.
  const remote = [...new Set(hostfile.hosts.filter((h) => !isLocalHost(h)).map((h) => h.ssh))];
  const answers = new Map<string, HostProbe>();
  await Promise.all(
    remote.map(async (ssh) => {
      const result = await probeHost({ ssh, ips: [] }, pathOn(ssh));
      if (!result.ok) {
        throw new WhetError("host_unreachable", `${ssh} did not answer: ${result.reason}`, `Check that \`ssh ${ssh}\` logs in without a password (mlx.launch uses the same ssh) and that ${config.python} exists there.`);
      }
      answers.set(ssh, result.probe);
    }),
  );
  for (const ssh of remote) {
    const there = answers.get(ssh) as HostProbe;
    if (!sameVersions(here, there)) {
      throw new WhetError("host_versions_differ", `${ssh} has ${versionsText(there)}; this machine has ${versionsText(here)}`, `Install the same versions on ${ssh} (ranks that differ can disagree on every tensor).`);
    }
    if (!there.bridge_present) {
      throw new WhetError("bridge_missing_on_host", `${ssh} has no Whetstone checkout at ${config.projectRoot}`, `mlx.launch starts python/distributed_bridge.py by the same path on every host: copy the checkout there (\`rsync -a ${config.projectRoot}/python/ ${ssh}:${config.projectRoot}/python/\`).`);
    }
    if (!there.model_present) {
      const there = pathOn(ssh);
      throw new WhetError("model_missing_on_host", `${ssh} has no model at ${there}`, `Copy it there at the same path, e.g. \`rsync -a ${there}/ ${ssh}:${there}/\`.`);
    }
  }

  const weightFiles = files.filter((f) => f.path.endsWith(".safetensors") && !f.brokenLink);
  const memory = planMemory({
    config: modelConfig,
    counts: { heads, kvHeads, layers, hidden: count(modelConfig, "hidden_size"), vocab: count(modelConfig, "vocab_size"), headDim: count(modelConfig, "head_dim"), context: count(modelConfig, "max_position_embeddings") },
    // A partial copy holds one stage's shards; the index says what the whole model weighs.
    weightsBytes: rankModels?.totalSize ?? weightFiles.reduce((n, f) => n + f.size, 0),
    hostfile,
    hostMemory: (ssh) => (isLocalHost({ ssh, ips: [] }) ? (deps.totalMemory ?? totalmem)() : (answers.get(ssh)?.memory_bytes ?? null)),
  });
  const short = memory.hosts.find((h) => h.totalBytes !== null && h.needBytes > h.usableBytes);
  if (short) {
    const gib = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
    throw new WhetError(
      "memory_insufficient",
      `${short.host} would hold ${short.ranks.length} rank(s) of ${name} needing ${gib(short.needBytes)} (${gib(memory.perRankBytes)} each: weights, key/value cache for ${memory.kvCacheTokens} tokens, runtime), more than the ${gib(short.usableBytes)} it can give`,
      "Spread the ranks over more machines, use a quantized model (`whet convert --quantize 4`), or serve a smaller one.",
      { host: short.host, need_bytes: short.needBytes, usable_bytes: short.usableBytes },
    );
  }

  return {
    mode,
    ranks,
    hostfile,
    local: request.hostfile === undefined,
    heads: { attention: heads, keyValue: kvHeads ?? heads },
    memory,
    versions: { python: here.python, mlx: here.mlx, mlxLm: here.mlx_lm },
    rankModels: rankModels ? { paths: rankModels.paths, shards: rankModels.shards } : null,
  };
}
