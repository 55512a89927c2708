"use client";

import type { Finding } from "../../lib/health/finding";
import { fixLine } from "../../lib/health/readable-fix";

const SEVERITY = {
  "blocks-loading": { label: "blocks loading", className: "bg-red-100 text-red-800" },
  "degrades-output": { label: "degrades output", className: "bg-amber-100 text-amber-800" },
  cosmetic: { label: "cosmetic", className: "bg-stone-100 text-stone-700" },
} as const;

export const REPAIR_LABEL = {
  "repair-index": "Repair index",
  "repair-weights": "Repair weights",
  "repair-config": "Repair config",
  "add-preprocessor-config": "Add preprocessor config",
} as const;

function evidenceText(finding: Finding): string | null {
  const { file, files, tensor, tensors, field } = finding.evidence;
  const parts: string[] = [];
  if (file) parts.push(`file ${file}`);
  if (files?.length) parts.push(`files ${files.slice(0, 4).join(", ")}${files.length > 4 ? ` (+${files.length - 4})` : ""}`);
  if (tensor) parts.push(`tensor ${tensor}`);
  if (tensors?.length) parts.push(`tensors ${tensors.slice(0, 3).join(", ")}${tensors.length > 3 ? ` (+${tensors.length - 3})` : ""}`);
  if (field) parts.push(`field ${field}`);
  return parts.length ? parts.join(" · ") : null;
}

/** Findings as the server sends them: the hint made readable, `sameAs` naming an earlier finding with the very same fix. */
type ShownFinding = Finding & { sameAs?: string | null };

export function FindingsList({ findings, onRepair }: { findings: ShownFinding[]; onRepair?: (finding: Finding) => void }) {
  if (findings.length === 0) {
    return <p className="text-sm text-emerald-800" data-testid="no-findings">No defects found.</p>;
  }
  return (
    <ul className="space-y-3" data-testid="findings">
      {findings.map((finding) => {
        const severity = SEVERITY[finding.severity];
        const evidence = evidenceText(finding);
        return (
          <li key={finding.id} className="rounded-md border border-stone-200 bg-white p-4" data-finding={finding.id}>
            <div className="flex flex-wrap items-center gap-2">
              <code className="text-sm font-semibold">{finding.id}</code>
              <span className={`rounded-full px-2 py-0.5 text-xs ${severity.className}`}>{severity.label}</span>
            </div>
            <p className="mt-2 text-sm">{finding.message}</p>
            {evidence ? <p className="mt-1 text-xs text-stone-500">Evidence: {evidence}</p> : null}
            <div className="mt-3 flex flex-wrap items-center gap-3">
              {finding.repair && onRepair ? (
                <button
                  type="button"
                  onClick={() => onRepair(finding)}
                  className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700"
                >
                  {REPAIR_LABEL[finding.repair]}
                </button>
              ) : null}
              {finding.sameAs ? (
                <span className="text-xs text-stone-600" data-testid="same-fix">
                  {fixLine({ hint: finding.hint, sameAs: finding.sameAs })}
                </span>
              ) : (
                <code className="break-all text-xs text-stone-600" data-testid="fix">
                  {finding.hint}
                </code>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
