import type { FetchShardsProgress } from "../../lib/operations/fetch-shards";
import { renderDownloadProgress } from "./download-progress";

/** One terminal line for `--fetch-shards`: which rank is fetching, and its download drawn as pull draws one. */
export function renderFetchShardsProgress(p: FetchShardsProgress): string {
  const at = p.current;
  const row = at ? p.ranks[at.rank] : undefined;
  if (!at || !row) return `${p.repoId}: ${p.detail ?? p.phase}`;
  const prefix = `rank ${at.rank} of ${p.ranks.length} (${row.host}${row.phase === "metadata" ? ", metadata" : ""})`;
  if (at.download) return `${prefix}: ${renderDownloadProgress(at.download)}`;
  return `${prefix}: ${row.phase === "fetching" && row.host !== "this machine" ? `fetching on ${row.host} over ssh` : row.phase}`;
}
