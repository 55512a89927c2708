import type { DownloadProgress } from "../../lib/download/download-progress";
import { formatBytes } from "../../lib/format/format-bytes";

const WIDTH = 24;

function duration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One terminal line for a pull or a clone: bar, percent, bytes, speed, ETA, files done, retries. */
export function renderDownloadProgress(p: DownloadProgress): string {
  if (p.phase !== "downloading") return p.commit ? `${p.repoId}@${p.commit.slice(0, 7)}: ${p.phase}` : `${p.repoId}: ${p.phase}`;
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
  const rate = p.bytesPerSecond > 0 ? ` ${formatBytes(p.bytesPerSecond)}/s` : "";
  const eta = p.etaSeconds !== null && p.done < p.total ? ` ETA ${duration(p.etaSeconds)}` : "";
  const filesDone = p.files.filter((f) => f.state === "done").length;
  const retries = p.retries > 0 ? ` · ${p.retries} ${p.retries === 1 ? "retry" : "retries"}` : "";
  return `${bar} ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatBytes(p.done)}/${formatBytes(p.total)}${rate}${eta} · ${filesDone}/${p.files.length} files${retries}`;
}
