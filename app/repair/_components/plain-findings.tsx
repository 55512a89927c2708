"use client";

import type { PlainFinding } from "../../../lib/repair/plan-repair";

const TONE: Record<PlainFinding["severity"], string> = {
  "blocks-loading": "border-red-200 bg-red-50 dark:border-red-900 dark:bg-red-950",
  "degrades-output": "border-amber-200 bg-amber-50 dark:border-amber-900 dark:bg-amber-950",
  cosmetic: "border-stone-200 bg-white dark:border-stone-700 dark:bg-stone-900",
};

/** Findings in plain words: what is wrong and what it means; references and ids folded away. */
export function PlainFindings({ findings }: { findings: PlainFinding[] }) {
  return (
    <ul className="space-y-3" data-testid="plain-findings">
      {findings.map((f) => (
        <li key={f.id} className={`rounded-md border p-4 ${TONE[f.severity]}`} data-finding={f.id}>
          <p className="text-sm font-medium">{f.text}</p>
          <p className="mt-1 text-sm text-stone-700 dark:text-stone-300">{f.impact}</p>
          {f.guidance ? (
            <p className="mt-2 text-sm" data-testid="guidance">
              <span className="font-medium">What you can do: </span>
              {f.guidance}
            </p>
          ) : null}
          <details className="mt-2 text-xs text-stone-600 dark:text-stone-400">
            <summary className="cursor-pointer">Details</summary>
            <p className="mt-1">
              Check: <code>{f.id}</code>
              {f.references.length ? ` · see ${f.references.join(", ")}` : ""}
            </p>
          </details>
        </li>
      ))}
    </ul>
  );
}
