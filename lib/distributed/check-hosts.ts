import type { WhetConfig } from "../config";
import { hostProber, type ProbeHost } from "./host-probe";
import { LOCAL_HOST, type Hostfile } from "./hostfile";

export interface HostCheck {
  host: string;
  reachable: boolean;
  /** Why it did not answer. */
  reason: string | null;
  versions: { python: string; mlx: string | null; mlxLm: string | null } | null;
  memoryBytes: number | null;
  /** Same Python, mlx and mlx-lm as this machine (what every rank needs). */
  matchesThisHost: boolean;
  whetstonePresent: boolean;
}

/**
 * Asks every machine of a hostfile (this one directly, the others over ssh,
 * all at once) for its versions and memory: the Cluster page's host status.
 * Only the hosts the admin listed are contacted.
 */
export async function checkHosts(hostfile: Hostfile, config: Pick<WhetConfig, "python" | "projectRoot">, probeHost: ProbeHost = hostProber(config)): Promise<HostCheck[]> {
  const names = [...new Set([LOCAL_HOST, ...hostfile.hosts.map((h) => h.ssh)])];
  const answers = await Promise.all(names.map((ssh) => probeHost({ ssh, ips: [] }, "")));
  const here = answers[0]?.ok ? answers[0].probe : null;
  return names.map((host, i) => {
    const answer = answers[i];
    if (!answer?.ok) return { host, reachable: false, reason: answer?.reason ?? "no answer", versions: null, memoryBytes: null, matchesThisHost: false, whetstonePresent: false };
    const p = answer.probe;
    return {
      host,
      reachable: true,
      reason: null,
      versions: { python: p.python, mlx: p.mlx, mlxLm: p.mlx_lm },
      memoryBytes: p.memory_bytes,
      matchesThisHost: here !== null && p.python === here.python && p.mlx === here.mlx && p.mlx_lm === here.mlx_lm,
      whetstonePresent: p.bridge_present,
    };
  });
}
