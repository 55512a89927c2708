import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { execa } from "execa";
import { z } from "zod";
import { WhetError } from "../errors";
import { parseRepoSpec } from "../hub/repo-spec";
import type { BaseProgress, OperationDeps } from "../operations/operation";
import { runToEnd } from "../operations/operation";
import { pullOperation, type DownloadProgress } from "../operations/pull";
import { hostProber } from "./host-probe";
import { isLocalHost, localHostfile, MAX_HOSTS, sshHostSchema, type Host } from "./hostfile";
import { exactPattern, pipelineShards, readPipelineLayout } from "./pipeline-shards";
import { sshArgs } from "./ssh-command";

/** Everything of a model but its weights, as mlx-lm's sharded_load fetches it before deciding which shards a rank needs. */
export const MODEL_METADATA_PATTERNS = ["*.json", "tokenizer.model", "*.tiktoken", "tiktoken.model", "*.txt", "*.jsonl", "*.jinja"];

/** Where a rank's copy goes: an HF hub cache on this machine, or the HF cache of another host (reached over ssh). */
export type RankTarget = { hubCache: string } | { ssh: string };

export const rankTargetSchema = z.union([
  z.object({ hubCache: z.string().min(1).max(4096).refine(isAbsolute, "a rank's HF cache must be an absolute path") }).strict(),
  z.object({ ssh: sshHostSchema }).strict(),
]);

/** Each host of a group as a fetch target: this machine's ranks share its HF cache, the others fill theirs over ssh. */
export function rankTargets(hosts: readonly Host[], hubCache: string): RankTarget[] {
  return hosts.map((host) => (isLocalHost(host) ? { hubCache } : { ssh: host.ssh }));
}

export interface RankShards {
  commit: string;
  /** Each rank's snapshot folder (on its own host), rank 0 first: the model's files, with only that rank's shards. */
  modelPaths: string[];
  /** The shard files each rank holds. */
  shards: string[][];
}

/**
 * One rank's part of a fetch: how many of its files and bytes are there.
 * Bytes are known only for this machine's ranks; another host's counts its
 * shards, once its huggingface_hub is done.
 */
export interface RankFetchProgress {
  rank: number;
  /** "this machine" or the ssh host. */
  host: string;
  phase: "waiting" | "metadata" | "fetching" | "done";
  filesDone: number;
  /** Null until the rank's files are known (after the metadata). */
  files: number | null;
  done: number;
  total: number;
}

/** A group fetch's snapshot: bytes over all ranks, each rank's line, and the download under way here (pull's own progress). */
export interface FetchShardsProgress extends BaseProgress {
  unit: "bytes";
  repoId: string;
  commit: string | null;
  ranks: RankFetchProgress[];
  /** The rank being fetched now, and its download's progress when it is on this machine. */
  current: { rank: number; download: DownloadProgress | null } | null;
}

/** Hours, not seconds: a stage of a large model is tens of gigabytes. */
const REMOTE_FETCH_TIMEOUT_MS = 6 * 3600_000;
const remoteAnswer = z.object({ path: z.string().min(1).max(4096) });

/**
 * Fetches into another host's HF cache with that host's huggingface_hub (the
 * project's Python there, as mlx.launch uses), which lays the cache out as
 * `whet pull` does. The token goes on stdin, never on a command line.
 */
async function fetchOnHost(options: { ssh: string; repo: string; commit: string; include: string[]; deps: OperationDeps }): Promise<string> {
  const { ssh, repo, commit, include, deps } = options;
  const script = await readFile(join(deps.config.projectRoot, "python", "fetch_on_host.py"), "utf8");
  const input = JSON.stringify({ repo, revision: commit, allow_patterns: include, endpoint: deps.config.endpoint, token: deps.config.token });
  const result = await execa("ssh", sshArgs(ssh, [deps.config.python, "-c", script]), { input: `${input}\n`, reject: false, timeout: REMOTE_FETCH_TIMEOUT_MS, cancelSignal: deps.signal });
  const last = String(result.stdout ?? "").trim().split("\n").at(-1) ?? "";
  let answer: unknown = null;
  try {
    answer = JSON.parse(last);
  } catch {
    // Reported below with the host's last error line.
  }
  const parsed = remoteAnswer.safeParse(answer);
  if (result.exitCode !== 0 || !parsed.success) {
    const reason = String(result.stderr ?? "").trim().split("\n").at(-1)?.slice(0, 300) || `exit code ${result.exitCode ?? "unknown"}`;
    throw new WhetError("rank_fetch_failed", `${ssh} could not fetch its shards of ${repo}: ${reason}`, `Check that \`ssh ${ssh}\` logs in without a password, that ${deps.config.python} there has huggingface_hub, and that ${ssh} reaches ${deps.config.endpoint}.`);
  }
  return parsed.data.path;
}

/**
 * Fetches a model for a pipeline group, each rank's copy with only the shards
 * its layers need: the model's metadata first, into rank 0's cache (rank 0 is
 * this machine), to read the layer count and the index; then, for every rank,
 * the metadata and its shards (the files of its layers and those holding the
 * embeddings, final norm and head), pinned to the commit rank 0 saw, through
 * `whet pull --include` here and huggingface_hub on another host. The other
 * ranks' shards are never requested for it.
 */
/** Refused before any shard is fetched: a model mlx-lm cannot run as a pipeline would be fetched for nothing. */
async function assertPipelineSupported(snapshotPath: string, repoId: string, deps: OperationDeps): Promise<void> {
  const answer = await hostProber(deps.config)(localHostfile(2).hosts[0] as Host, snapshotPath);
  if (!answer.ok) throw new WhetError("python_missing", `The project's Python could not be asked about ${repoId}: ${answer.reason}`, "Run `whet doctor`; `npm run setup` installs the venv.");
  const support = answer.probe.support;
  if (!support) throw new WhetError("architecture_unsupported", `mlx-lm cannot load ${repoId}: ${answer.probe.support_error ?? "its model type is unknown"}`, "Choose a model whose architecture mlx-lm supports.");
  if (!support.pipeline) {
    throw new WhetError(
      "pipeline_unsupported",
      `mlx-lm has no pipeline mode for ${repoId}'s architecture, so its ranks cannot each hold only their shards`,
      support.tensor ? "Start it without fetching shards, as tensor parallel with a rank count that divides its heads." : "Serve it on one machine.",
      { field: "repo" },
    );
  }
}

export async function fetchRankShards(options: {
  repo: string;
  /** One per rank, rank 0 first; rank 0's is a cache on this machine. */
  targets: readonly RankTarget[];
  deps: OperationDeps;
  onProgress?: (progress: FetchShardsProgress) => void;
}): Promise<RankShards> {
  const { repo, targets, deps, onProgress } = options;
  const ranks = targets.length;
  if (ranks < 2 || ranks > MAX_HOSTS) throw new WhetError("ranks_invalid", `A distributed group needs 2 to ${MAX_HOSTS} ranks, not ${ranks}`, "Give one target per rank.");
  const first = targets[0] as RankTarget;
  if (!("hubCache" in first)) throw new WhetError("hostfile_rank0_remote", "Rank 0's copy must be on this machine", "Give rank 0 a cache here: the app talks to rank 0 through a local socket.");
  const { repoId } = parseRepoSpec(repo);

  const table: RankFetchProgress[] = targets.map((target, rank) => ({
    rank,
    host: "ssh" in target ? target.ssh : "this machine",
    phase: "waiting",
    filesDone: 0,
    files: null,
    done: 0,
    total: 0,
  }));
  let commit: string | null = null;
  let current: FetchShardsProgress["current"] = null;
  // Each snapshot is a copy: the job runtime keeps them, and the table changes after.
  const report = () => {
    const rows = table.map((row) => ({ ...row }));
    const at = current ? rows[current.rank] : undefined;
    onProgress?.({
      phase: at ? `rank ${at.rank} ${at.phase}` : "done",
      done: rows.reduce((n, r) => n + r.done, 0),
      total: rows.reduce((n, r) => n + r.total, 0),
      unit: "bytes",
      detail: `${rows.filter((r) => r.phase === "done").length}/${ranks} ranks`,
      repoId,
      commit,
      ranks: rows,
      current: current ? { ...current } : null,
    });
  };
  const follow = (rank: number, p: DownloadProgress) => {
    const row = table[rank] as RankFetchProgress;
    if (row.phase === "fetching") Object.assign(row, { files: p.files.length, filesDone: p.files.filter((f) => f.state === "done").length, done: p.done, total: p.total });
    current = { rank, download: p };
    report();
  };
  const pull = (hubCache: string, rank: number, spec: string, include: string[]) =>
    runToEnd(pullOperation, { repo: spec, include }, { ...deps, config: { ...deps.config, hubCache } }, (p) => follow(rank, p));

  (table[0] as RankFetchProgress).phase = "metadata";
  current = { rank: 0, download: null };
  report();
  const metadata = await pull(first.hubCache, 0, repo, MODEL_METADATA_PATTERNS);
  commit = metadata.commit;
  await assertPipelineSupported(metadata.snapshotPath, repoId, deps);
  const layout = await readPipelineLayout(metadata.snapshotPath, repoId);
  const shards = pipelineShards(layout.weightMap, layout.layers, ranks);
  const modelPaths: string[] = [];
  for (const [rank, target] of targets.entries()) {
    const include = [...MODEL_METADATA_PATTERNS, ...(shards[rank] ?? []).map(exactPattern)];
    const row = table[rank] as RankFetchProgress;
    Object.assign(row, { phase: "fetching", files: null, filesDone: 0, done: 0, total: 0 });
    current = { rank, download: null };
    report();
    modelPaths.push(
      "hubCache" in target
        ? (await pull(target.hubCache, rank, `${repoId}@${metadata.commit}`, include)).snapshotPath
        : await fetchOnHost({ ssh: target.ssh, repo: repoId, commit: metadata.commit, include, deps }),
    );
    row.phase = "done";
    if ("ssh" in target) Object.assign(row, { files: (shards[rank] ?? []).length, filesDone: (shards[rank] ?? []).length });
  }
  current = null;
  report();
  return { commit: metadata.commit, modelPaths, shards };
}
