import type { HealthEntry } from "../commands/health";

const MARK = { "blocks-loading": "✗", "degrades-output": "!", cosmetic: "·" } as const;

/** mlx-knife's lines (`healthy   name — reason`), each followed by the findings and their fixes. */
export function renderHealth(entries: HealthEntry[]): string {
  const lines: string[] = [];
  if (entries.length !== 1) {
    const healthy = entries.filter((e) => e.status === "healthy").length;
    lines.push(`Summary: total ${entries.length}, healthy ${healthy}, unhealthy ${entries.length - healthy}`);
  }
  for (const entry of entries) {
    const managed = entry.name.startsWith("/") ? (entry.managed ? " [managed]" : " [unmanaged]") : "";
    lines.push(`${entry.status.padEnd(9)} ${entry.name}${managed} — ${entry.reason}`);
    for (const finding of entry.findings) {
      lines.push(`  ${MARK[finding.severity]} ${finding.id}: ${finding.message}`);
      lines.push(`    ${finding.repair ? "fix" : "what to do"}: ${finding.hint}`);
    }
  }
  return lines.join("\n");
}
