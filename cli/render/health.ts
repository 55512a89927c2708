import type { DefectMatrix } from "../../lib/health/defect-matrix";
import { fixLine, readableFindings, type FixSubject } from "../../lib/health/readable-fix";
import type { HealthEntry } from "../commands/health";

const MARK = { "blocks-loading": "✗", "degrades-output": "!", cosmetic: "·" } as const;

/** mlx-knife's lines (`healthy   name — reason`), each followed by the findings and their fixes. */
export function renderHealth(entries: HealthEntry[], subjectOf: (entry: HealthEntry, index: number) => FixSubject): string {
  const lines: string[] = [];
  if (entries.length !== 1) {
    const healthy = entries.filter((e) => e.status === "healthy").length;
    lines.push(`Summary: total ${entries.length}, healthy ${healthy}, unhealthy ${entries.length - healthy}`);
  }
  entries.forEach((entry, i) => {
    const managed = entry.name.startsWith("/") ? (entry.managed ? " [managed]" : " [unmanaged]") : "";
    lines.push(`${entry.status.padEnd(9)} ${entry.name}${managed} — ${entry.reason}`);
    for (const finding of readableFindings(entry.findings, subjectOf(entry, i))) {
      lines.push(`  ${MARK[finding.severity]} ${finding.id}: ${finding.message}`, `    ${finding.repair ? "fix" : "what to do"}: ${fixLine(finding)}`);
    }
  });
  return lines.join("\n");
}

/** Models down, defects across (numbered, with a legend below): ✗ blocks loading, ! degrades output, · cosmetic. */
export function renderMatrix(matrix: DefectMatrix): string {
  const names = matrix.rows.map((r) => (r.name.startsWith("/") ? (r.name.split("/").pop() ?? r.name) : r.name));
  const width = Math.max(5, ...names.map((n) => n.length));
  const header = `${"Model".padEnd(width)}  ${matrix.columns.map((_, i) => String(i + 1).padStart(2)).join(" ")}`;
  const lines = [header];
  matrix.rows.forEach((row, r) => {
    const cells = matrix.columns.map((id) => {
      const finding = row.cells[id];
      return (finding ? MARK[finding.severity] : "").padStart(2);
    });
    lines.push(`${(names[r] as string).padEnd(width)}  ${cells.join(" ")}`);
  });
  if (matrix.columns.length === 0) lines.push("No defects found.");
  else lines.push("", ...matrix.columns.map((id, i) => `${String(i + 1).padStart(2)}  ${id}`), "", "✗ blocks loading  ! degrades output  · cosmetic");
  return lines.join("\n");
}
