import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { z } from "zod";
import { WhetError } from "../errors";
import { parseRepoSpec } from "../hub/repo-spec";
import type { OperationDeps } from "../operations/operation";
import { runToEnd } from "../operations/operation";
import { pullOperation, type DownloadProgress } from "../operations/pull";
import { MAX_HOSTS } from "./hostfile";
import { exactPattern, pipelineShards, readPipelineLayout } from "./pipeline-shards";
import { sshArgs } from "./ssh-command";

/** Everything of a model but its weights, as mlx-lm's sharded_load fetches it before deciding which shards a rank needs. */
export const MODEL_METADATA_PATTERNS = ["*.json", "tokenizer.model", "*.tiktoken", "tiktoken.model", "*.txt", "*.jsonl", "*.jinja"];

/** Where a rank's copy goes: an HF hub cache on this machine, or the HF cache of another host (reached over ssh). */
export type RankTarget = { hubCache: string } | { ssh: string };

export interface RankShards {
  commit: string;
  /** Each rank's snapshot folder (on its own host), rank 0 first: the model's files, with only that rank's shards. */
  modelPaths: string[];
  /** The shard files each rank holds. */
  shards: string[][];
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
export async function fetchRankShards(options: {
  repo: string;
  /** One per rank, rank 0 first; rank 0's is a cache on this machine. */
  targets: readonly RankTarget[];
  deps: OperationDeps;
  onProgress?: (rank: number, progress: DownloadProgress) => void;
}): Promise<RankShards> {
  const { repo, targets, deps, onProgress } = options;
  const ranks = targets.length;
  if (ranks < 2 || ranks > MAX_HOSTS) throw new WhetError("ranks_invalid", `A distributed group needs 2 to ${MAX_HOSTS} ranks, not ${ranks}`, "Give one target per rank.");
  const first = targets[0] as RankTarget;
  if (!("hubCache" in first)) throw new WhetError("hostfile_rank0_remote", "Rank 0's copy must be on this machine", "Give rank 0 a cache here: the app talks to rank 0 through a local socket.");
  const { repoId } = parseRepoSpec(repo);
  const pull = (hubCache: string, rank: number, spec: string, include: string[]) =>
    runToEnd(pullOperation, { repo: spec, include }, { ...deps, config: { ...deps.config, hubCache } }, (p) => onProgress?.(rank, p));

  const metadata = await pull(first.hubCache, 0, repo, MODEL_METADATA_PATTERNS);
  const layout = await readPipelineLayout(metadata.snapshotPath, repoId);
  const shards = pipelineShards(layout.weightMap, layout.layers, ranks);
  const modelPaths: string[] = [];
  for (const [rank, target] of targets.entries()) {
    const include = [...MODEL_METADATA_PATTERNS, ...(shards[rank] ?? []).map(exactPattern)];
    modelPaths.push(
      "hubCache" in target
        ? (await pull(target.hubCache, rank, `${repoId}@${metadata.commit}`, include)).snapshotPath
        : await fetchOnHost({ ssh: target.ssh, repo: repoId, commit: metadata.commit, include, deps }),
    );
  }
  return { commit: metadata.commit, modelPaths, shards };
}
