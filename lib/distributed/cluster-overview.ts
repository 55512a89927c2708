import { freemem, hostname, totalmem } from "node:os";
import type { RunnerStatus } from "../runner/model-runner";
import { formatHostfile, isLocalHost, type Hostfile } from "./hostfile";
import { processStats } from "./process-stats";

export interface RankView {
  rank: number;
  host: string;
  pid: number | null;
  /** Resident memory of the rank's process; null for a rank on another machine (not measured from here). */
  rssBytes: number | null;
}

export interface GroupView {
  model: string;
  state: RunnerStatus["state"];
  mode: "tensor" | "pipeline";
  ranks: RankView[];
  plannedBytesPerRank: number;
  restarts: number;
  lastCrash: string | null;
  lastError: RunnerStatus["lastError"];
}

export interface ClusterOverview {
  thisHost: { name: string; totalBytes: number; freeBytes: number };
  hostfile: { text: string; hosts: Hostfile["hosts"] } | null;
  groups: GroupView[];
}

/**
 * What the Cluster page shows: this machine's memory, the saved hostfile,
 * and every model running on a group with each rank's host and memory
 * (resident size of this machine's rank processes, read with ps).
 */
export async function clusterOverview(runners: RunnerStatus[], hostfile: Hostfile | null): Promise<ClusterOverview> {
  const grouped = runners.filter((r): r is RunnerStatus & { group: NonNullable<RunnerStatus["group"]> } => r.group !== null);
  const localPids = grouped.flatMap((r) => (r.group.members ?? []).filter((m) => m.pid !== null && isLocalHost({ ssh: r.group.hosts[m.rank] ?? "", ips: [] })).map((m) => m.pid as number));
  const stats = localPids.length ? await processStats({ pids: localPids }) : [];
  const rss = new Map(stats.map((s) => [s.pid, s.rssBytes]));
  return {
    thisHost: { name: hostname(), totalBytes: totalmem(), freeBytes: freemem() },
    hostfile: hostfile ? { text: formatHostfile(hostfile), hosts: hostfile.hosts } : null,
    groups: grouped.map((r) => ({
      model: r.name,
      state: r.state,
      mode: r.group.mode,
      ranks: r.group.hosts.map((host, rank) => {
        const member = r.group.members?.find((m) => m.rank === rank);
        const pid = member?.pid ?? null;
        return { rank, host, pid, rssBytes: pid !== null && isLocalHost({ ssh: host, ips: [] }) ? (rss.get(pid) ?? null) : null };
      }),
      plannedBytesPerRank: r.group.perRankBytes,
      restarts: r.restarts,
      lastCrash: r.lastCrash,
      lastError: r.lastError,
    })),
  };
}
