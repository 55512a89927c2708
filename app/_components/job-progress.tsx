"use client";

import { useMutation } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import type { JobSnapshot } from "../../server/jobs/job-registry";
import { useTRPC } from "../_trpc/client";
import { formatBytes, formatSeconds } from "./format";

/** Live state of one job over SSE; resumes after a reload or reconnect. */
export function JobProgress({ id, onFinished }: { id: string; onFinished?: (job: JobSnapshot) => void }) {
  const trpc = useTRPC();
  const [job, setJob] = useState<JobSnapshot | null>(null);
  const finished = useRef(false);
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions());
  useSubscription(
    trpc.jobs.watch.subscriptionOptions(
      { id },
      {
        onData: (event) => setJob(event.data),
      },
    ),
  );
  useEffect(() => {
    if (job && job.status !== "running" && !finished.current) {
      finished.current = true;
      onFinished?.(job);
    }
  }, [job, onFinished]);

  if (!job) return <p className="text-sm text-stone-500">Connecting to job…</p>;
  const p = job.progress;
  const fraction = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const eta = p && job.rate ? (p.total - p.done) / job.rate : null;
  const amount = p ? (p.unit === "bytes" ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : `${p.done}/${p.total} ${p.unit}`) : "";
  return (
    <div className="rounded-md border border-stone-200 bg-white p-4" data-testid="job" data-status={job.status}>
      <div className="flex items-center justify-between gap-4">
        <p className="text-sm font-medium">{job.title}</p>
        <span className="text-xs uppercase tracking-wide text-stone-500" data-testid="job-status">
          {job.status}
        </span>
      </div>
      {job.status === "running" ? (
        <>
          <div className="mt-3 h-2 overflow-hidden rounded-full bg-stone-100">
            <div className="h-full bg-stone-800 transition-all" style={{ width: `${Math.round(fraction * 100)}%` }} />
          </div>
          <div className="mt-2 flex justify-between text-xs text-stone-500">
            <span>
              {p?.phase ?? "starting"} {amount} {p?.detail ? `· ${p.detail}` : ""}
            </span>
            <span>
              {job.rate && p?.unit === "bytes" ? `${formatBytes(job.rate)}/s · ` : ""}
              {eta !== null ? `ETA ${formatSeconds(eta)}` : ""}
            </span>
          </div>
          <button
            type="button"
            className="mt-3 text-xs text-red-700 hover:underline"
            onClick={() => cancel.mutate({ id })}
          >
            Cancel
          </button>
        </>
      ) : null}
      {job.error ? (
        <div role="alert" className="mt-2 text-sm text-red-800">
          <p>{job.error.message}</p>
          <p className="text-red-700">{job.error.hint}</p>
        </div>
      ) : null}
    </div>
  );
}
