"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { Finding } from "../../../lib/health/finding";
import { ErrorBox } from "../../_components/error-box";
import { FindingsList } from "../../_components/findings-list";
import { HealthBadge } from "../../_components/health-badge";
import { JobProgress } from "../../_components/job-progress";
import { useTRPC } from "../../_trpc/client";

/** One matrix cell opened: the finding, its repair as a job, and the repaired workspace's health. */
export function FindingPanel({ model, kind, finding, onClose }: { model: string; kind: string; finding: Finding; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState(`${model.split("/").pop() ?? model}-fixed`);
  const [repaired, setRepaired] = useState<string | null>(null);
  const repair = useMutation(trpc.operations.start.mutationOptions());
  const result = useQuery({ ...trpc.models.get.queryOptions({ spec: repaired ?? "" }), enabled: repaired !== null });
  return (
    <aside className="space-y-4 rounded-md border border-stone-300 bg-white p-5 shadow-sm" data-testid="finding-panel">
      <div className="flex items-start justify-between gap-4">
        <div>
          <p className="text-xs uppercase tracking-wide text-stone-500">{model}</p>
          <h2 className="text-lg font-semibold">{finding.id}</h2>
        </div>
        <button type="button" onClick={onClose} className="text-sm text-stone-500 hover:text-stone-900" aria-label="Close">
          ✕
        </button>
      </div>
      <FindingsList findings={[finding]} />
      <Link href={`/repair/diagnose?model=${encodeURIComponent(model)}`} className="inline-block text-sm font-medium text-stone-900 hover:underline">
        Fix this model →
      </Link>
      {finding.repair && kind === "cache" ? (
        <p className="text-sm text-stone-600">Models in the Hugging Face cache are never modified: the repair copies it into a workspace first.</p>
      ) : null}
      {finding.repair && kind === "workspace" ? (
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            repair.mutate({ kind: "repair", source: model, name: target, mode: finding.repair ?? "repair-index" });
          }}
        >
          <label htmlFor="repair-target" className="text-sm">
            Repair into
          </label>
          <input id="repair-target" value={target} onChange={(e) => setTarget(e.target.value)} className="rounded-md border border-stone-300 px-2 py-1 text-sm" />
          <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={repair.isPending || repair.isSuccess}>
            {repaired ? `Done: repaired into ${repaired}` : `Run --${finding.repair}`}
          </button>
        </form>
      ) : null}
      <ErrorBox error={repair.error} />
      {repair.data ? (
        <JobProgress
          id={repair.data.id}
          onFinished={(job) => {
            if (job.kind !== "repair" || !job.result) return;
            setRepaired(job.result.target.split("/").pop() ?? job.result.target);
            void queryClient.invalidateQueries(trpc.models.matrix.queryFilter());
          }}
        />
      ) : null}
      {result.data ? (
        <div className="space-y-2 border-t border-stone-200 pt-4" data-testid="repaired-health">
          <div className="flex items-center gap-2">
            <Link href={`/workspaces/${encodeURIComponent(repaired ?? "")}`} className="font-medium hover:underline">
              {repaired}
            </Link>
            <HealthBadge healthy={result.data.report.healthy} findings={result.data.report.findings} />
          </div>
          <p className="text-sm">{result.data.report.reason}</p>
          <FindingsList findings={result.data.report.findings} />
        </div>
      ) : null}
    </aside>
  );
}
