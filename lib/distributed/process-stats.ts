import { execa } from "execa";

export interface ProcessStats {
  pid: number;
  /** The process group: a group's launcher leads one, and every local rank is in it. */
  pgid: number;
  rssBytes: number;
  cpuSeconds: number;
}

/** ps's TIME, `[[dd-]hh:]mm:ss[.cc]`, in seconds. */
function seconds(time: string): number {
  const [days, clock] = time.includes("-") ? (time.split("-") as [string, string]) : ["0", time];
  return clock.split(":").reduce((total, part) => total * 60 + Number(part), 0) + Number(days) * 86_400;
}

/**
 * Resident memory and CPU time of this machine's live processes, as `ps`
 * reports them (Linux and macOS alike), optionally only some pids or one
 * process group. Zombies (exited, waiting for a parent to reap them) hold no
 * memory and run nothing: they are left out.
 */
export async function processStats(filter: { pids?: readonly number[]; pgid?: number } = {}): Promise<ProcessStats[]> {
  const { stdout } = await execa("ps", ["-A", "-o", "pid=,pgid=,rss=,time=,stat="], { reject: false, timeout: 10_000 });
  const rows: ProcessStats[] = [];
  for (const line of String(stdout ?? "").split("\n")) {
    const [pid, pgid, rss, time, stat] = line.trim().split(/\s+/);
    if (!pid || !pgid || !rss || !time || !stat || stat.startsWith("Z")) continue;
    const row = { pid: Number(pid), pgid: Number(pgid), rssBytes: Number(rss) * 1024, cpuSeconds: seconds(time) };
    if (filter.pids && !filter.pids.includes(row.pid)) continue;
    if (filter.pgid !== undefined && row.pgid !== filter.pgid) continue;
    rows.push(row);
  }
  return rows;
}
