import { formatBytes } from "../../lib/format/format-bytes";
import type { PushResult } from "../../lib/operations/push";

const SIGN = { added: "+", modified: "~", deleted: "-" } as const;
/** Longest list of changed files printed; the JSON output has them all. */
const MAX_LINES = 50;

/** The human report of a push, dry run or check, in mlx-knife's one-line form followed by the changes. */
export function renderPushResult(r: PushResult): string {
  const target = `${r.repo_id}@${r.branch}`;
  const counts = (c: { added: number; modified: number; deleted: number }) => `+${c.added} ~${c.modified} -${c.deleted}`;
  const lines: string[] = [];
  if (r.check_only) {
    lines.push(`push: ${r.workspace} — check-only: ${r.health.healthy ? "healthy" : "unhealthy"}, ${r.local_files_count} files, ${formatBytes(r.total_bytes)} to push`);
  } else if (r.dry_run) {
    const creating = r.would_create_repo ? " (would create the repo, private unless --public)" : r.would_create_branch ? ` (would create branch ${r.branch})` : "";
    lines.push(`push: ${target} — dry-run: ${counts(r.dry_run_summary ?? r.change_summary)}, would send ${formatBytes(r.bytes_to_upload)}${creating}`);
  } else if (r.no_changes) {
    lines.push(`push: ${target} — no changes`);
  } else {
    const created = r.created_repo ? `, created ${r.private ? "private" : "public"} repo` : r.created_branch ? `, created branch ${r.branch}` : "";
    lines.push(`push: ${target} — commit ${r.commit_sha?.slice(0, 7)} (${counts(r.change_summary)}), sent ${formatBytes(r.bytes_uploaded)}${created}`);
  }
  for (const change of r.changes.slice(0, MAX_LINES)) {
    const size = change.change === "deleted" ? "" : `  ${formatBytes(change.size)}${change.lfs && change.upload_bytes === 0 ? " (already on the Hub)" : ""}`;
    lines.push(`  ${SIGN[change.change]} ${change.path}${size}`);
  }
  if (r.changes.length > MAX_LINES) lines.push(`  … and ${r.changes.length - MAX_LINES} more (see --json)`);
  if (r.excluded_files.length > 0) lines.push(`  not pushed: ${r.excluded_files.map((e) => e.path).join(", ")}`);
  if (r.health.forced) lines.push(`  ⚠ forced past the health check: ${r.health.blocking.map((f) => f.id).join(", ")}`);
  else if (r.health.would_refuse) {
    lines.push(`  ⚠ a push would be refused: ${r.health.reason} (repair it, or use --force)`);
    for (const finding of r.health.blocking) lines.push(`    ${finding.id}: ${finding.message}`);
  }
  if (r.commit_url) lines.push(`  ${r.commit_url}`);
  return lines.join("\n");
}
