"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Finding } from "../../lib/health/finding";
import { ErrorBox } from "../_components/error-box";
import { useTRPC } from "../_trpc/client";
import { FindingPanel } from "./_components/finding-panel";

const CELL = {
  "blocks-loading": { mark: "✗", className: "bg-red-100 text-red-800 hover:bg-red-200" },
  "degrades-output": { mark: "!", className: "bg-amber-100 text-amber-800 hover:bg-amber-200" },
  cosmetic: { mark: "·", className: "bg-stone-100 text-stone-700 hover:bg-stone-200" },
} as const;

export default function MatrixPage() {
  const trpc = useTRPC();
  const matrix = useQuery(trpc.models.matrix.queryOptions());
  const [open, setOpen] = useState<{ model: string; kind: string; finding: Finding } | null>(null);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Defect matrix</h1>
        <p className="text-sm text-stone-600">Every workspace and cached model against every defect found. Open a cell for the explanation and the repair.</p>
      </div>
      <ErrorBox error={matrix.error} />
      {matrix.isLoading ? <p className="text-sm text-stone-500">Checking every model…</p> : null}
      {matrix.data ? (
        <div className="overflow-x-auto rounded-md border border-stone-200 bg-white">
          <table className="min-w-full text-sm" data-testid="defect-matrix">
            <thead>
              <tr className="border-b border-stone-200">
                <th className="px-3 py-2 text-left font-medium">Model</th>
                {matrix.data.columns.map((id) => (
                  <th key={id} className="px-1 py-2 align-bottom font-normal">
                    <span className="inline-block max-h-40 whitespace-nowrap text-xs text-stone-600 [writing-mode:vertical-rl] rotate-180">{id}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.data.rows.map((row) => (
                <tr key={row.path} className="border-b border-stone-100" data-model={row.name}>
                  <td className="whitespace-nowrap px-3 py-2">
                    <span className={row.healthy ? "text-emerald-800" : "text-red-800"}>{row.healthy ? "●" : "●"}</span> {row.name}
                    <span className="ml-2 text-xs text-stone-400">{row.kind}</span>
                  </td>
                  {matrix.data.columns.map((id) => {
                    const finding = row.cells[id];
                    if (!finding) return <td key={id} className="px-1 py-2 text-center text-stone-300">—</td>;
                    const cell = CELL[finding.severity];
                    return (
                      <td key={id} className="px-1 py-1 text-center">
                        <button
                          type="button"
                          data-cell={`${row.name}:${id}`}
                          title={finding.message}
                          onClick={() => setOpen({ model: row.name, kind: row.kind, finding })}
                          className={`h-7 w-7 rounded font-semibold ${cell.className}`}
                        >
                          {cell.mark}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {matrix.data.columns.length === 0 ? <p className="px-3 py-4 text-sm text-emerald-800">No defects in any model.</p> : null}
        </div>
      ) : null}
      <p className="text-xs text-stone-500">✗ blocks loading · ! degrades output · · cosmetic</p>
      {open ? <FindingPanel key={`${open.model}:${open.finding.id}`} {...open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
