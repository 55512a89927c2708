import { formatBytes } from "../../lib/format/format-bytes";
import type { PushProgress } from "../../lib/operations/push";

const WIDTH = 24;

function seconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return "";
  return s < 60 ? `${Math.ceil(s)}s` : `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
}

/** One terminal line: the phase, and for hashing and uploading a bar, bytes done of total, speed and ETA. */
export function renderPushProgress(p: PushProgress): string {
  if (p.unit !== "bytes") return p.detail ? `${p.phase} ${p.detail}` : p.phase;
  const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const bar = `${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}`;
  const rate = p.bytesPerSecond ? ` ${formatBytes(p.bytesPerSecond)}/s` : "";
  const eta = p.etaSeconds !== null ? ` ETA ${seconds(p.etaSeconds)}` : "";
  return `${p.phase} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}% ${formatBytes(p.done)}/${formatBytes(p.total)}${rate}${eta}`;
}
