"use client";

import { useMutation } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { AppJob } from "../../server/services";
import { useTRPC } from "../_trpc/client";
import { ErrorBox } from "./error-box";
import { formatBytes, formatSeconds } from "./format";

const STATE_LABEL: Record<AppJob["state"], string> = {
  queued: "queued",
  running: "running",
  paused: "paused",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

/** Live state of one job over SSE; resumes after a reload or reconnect. `onFailed` hears of a failure, to show it where it belongs. */
export function JobProgress({ id, onFinished, onFailed }: { id: string; onFinished?: (job: AppJob) => void; onFailed?: (job: AppJob) => void }) {
  // Each resume or retry is a new run of the same job: a fresh subscription follows it.
  const [generation, setGeneration] = useState(0);
  return (
    <WatchedJob
      key={generation}
      id={id}
      onRestarted={() => setGeneration((g) => g + 1)}
      {...(onFinished ? { onFinished } : {})}
      {...(onFailed ? { onFailed } : {})}
    />
  );
}

function WatchedJob({
  id,
  onFinished,
  onFailed,
  onRestarted,
}: {
  id: string;
  onFinished?: (job: AppJob) => void;
  onFailed?: (job: AppJob) => void;
  onRestarted: () => void;
}) {
  const trpc = useTRPC();
  const [job, setJob] = useState<AppJob | null>(null);
  const finished = useRef(false);
  useSubscription(trpc.operations.watch.subscriptionOptions({ id }, { onData: (event) => setJob(event.data) }));
  useEffect(() => {
    if (job && job.state === "succeeded" && !finished.current) {
      finished.current = true;
      onFinished?.(job);
    }
    if (job && job.state === "failed" && !finished.current) {
      finished.current = true;
      onFailed?.(job);
    }
  }, [job, onFinished, onFailed]);
  if (!job) return <p className="text-sm text-stone-500">Connecting to job…</p>;
  return <JobCard job={job} onRestarted={onRestarted} />;
}

/** Where a finished job's result can be opened: the workspace it wrote, or the cache model it pulled. */
function resultLink(job: AppJob): { href: string; label: string } | null {
  if (job.state !== "succeeded" || !job.result) return null;
  const workspace = (path: string | null | undefined) => {
    const name = path?.split("/").pop();
    return name ? { href: `/workspaces/${encodeURIComponent(name)}`, label: `Open ${name}` } : null;
  };
  switch (job.kind) {
    case "pull":
      return { href: `/workspaces/${encodeURIComponent(job.result.repoId)}`, label: `Open ${job.result.repoId}` };
    case "clone":
    case "repair":
    case "convert-weights":
      return workspace(job.result.target);
    case "fix":
      return workspace(job.result.target);
    default:
      return null;
  }
}

/** A download or conversion that finished but brought a model that will not load says so, with the way to fix it. */
function unhealthyResult(job: AppJob): { reason: string; spec: string } | null {
  if (job.state !== "succeeded" || !job.result) return null;
  switch (job.kind) {
    case "pull":
      return job.result.health && !job.result.health.healthy ? { reason: job.result.health.reason, spec: job.result.repoId } : null;
    case "clone":
    case "repair":
    case "convert-weights": {
      const health = job.result.health;
      return health && !health.healthy ? { reason: health.reason, spec: job.result.target.split("/").pop() ?? job.result.target } : null;
    }
    default:
      return null;
  }
}

function duration(job: AppJob): string | null {
  if (!job.startedAt) return null;
  const end = job.finishedAt ? Date.parse(job.finishedAt) : Date.now();
  return formatSeconds((end - Date.parse(job.startedAt)) / 1000);
}

/** One job: title, state, progress with rate and ETA, its error in words, and the controls its state allows. */
export function JobCard({ job, onRestarted }: { job: AppJob; onRestarted?: () => void }) {
  const trpc = useTRPC();
  const id = job.id;
  const cancel = useMutation(trpc.operations.cancel.mutationOptions());
  const pause = useMutation(trpc.operations.pause.mutationOptions());
  const resume = useMutation(trpc.operations.resume.mutationOptions({ onSuccess: () => onRestarted?.() }));
  const p = job.progress;
  const fraction = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const eta = p && job.rate ? (p.total - p.done) / job.rate : null;
  const amount = p ? (p.unit === "bytes" ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : `${p.done}/${p.total} ${p.unit}`) : "";
  const active = job.state === "running" || job.state === "queued";
  const link = resultLink(job);
  const took = duration(job);
  const unhealthy = unhealthyResult(job);
  const button = "text-xs font-medium hover:underline disabled:opacity-50";
  return (
    <div className="rounded-md border border-stone-200 bg-white p-4" data-testid="job" data-status={job.state} data-kind={job.kind}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1">
        <p className="min-w-0 break-words text-sm font-medium">{job.title}</p>
        <span className="text-xs uppercase tracking-wide text-stone-500" data-testid="job-status">
          {STATE_LABEL[job.state]}
          {job.queuePosition ? ` · #${job.queuePosition} in queue` : ""}
        </span>
      </div>
      <p className="mt-1 break-words text-xs text-stone-500" data-testid="job-meta">
        {job.startedAt ? `started ${new Date(job.startedAt).toLocaleString()}` : `queued ${new Date(job.createdAt).toLocaleString()}`}
        {took ? ` · ${job.state === "running" ? "running for" : "took"} ${took}` : ""}
        {job.owner ? ` · by ${job.owner}` : ""}
        {link ? (
          <>
            {" · "}
            <Link href={link.href} className="font-medium text-stone-800 hover:underline">
              {link.label}
            </Link>
          </>
        ) : null}
      </p>
      {unhealthy ? (
        <p role="status" className="mt-2 text-sm text-amber-800" data-testid="job-unhealthy">
          Done, but the model will not load as it is: {unhealthy.reason}.{" "}
          <Link href={`/repair/diagnose?model=${encodeURIComponent(unhealthy.spec)}`} className="font-medium underline">
            Fix this model
          </Link>
        </p>
      ) : null}
      {job.state !== "succeeded" && p ? (
        <>
          <div className="mt-3 h-2 overflow-hidden rounded-full bg-stone-100" role="progressbar" aria-valuenow={Math.round(fraction * 100)} aria-valuemin={0} aria-valuemax={100} aria-label={job.title}>
            <div className="h-full bg-stone-800 transition-all" style={{ width: `${Math.round(fraction * 100)}%` }} />
          </div>
          <div className="mt-2 flex flex-wrap justify-between gap-x-3 text-xs text-stone-500">
            <span>
              {p.phase} {amount} {p.detail ? `· ${p.detail}` : ""}
            </span>
            {job.state === "running" ? (
              <span>
                {job.rate && p.unit === "bytes" ? `${formatBytes(job.rate)}/s · ` : ""}
                {eta !== null ? `ETA ${formatSeconds(eta)}` : ""}
              </span>
            ) : null}
          </div>
        </>
      ) : null}
      {job.kind === "fetch-shards" && job.progress && job.state !== "succeeded" ? (
        <ul className="mt-2 space-y-0.5 text-xs text-stone-500" data-testid="job-ranks">
          {job.progress.ranks.map((r) => (
            <li key={r.rank}>
              rank {r.rank} ({r.host}): {r.phase}
              {r.files !== null ? ` · ${r.filesDone}/${r.files} files` : ""}
              {r.total > 0 ? ` · ${formatBytes(r.done)} of ${formatBytes(r.total)}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="mt-3 flex gap-4">
        {active && job.resumable ? (
          <button type="button" className={`${button} text-stone-700`} disabled={pause.isPending} onClick={() => pause.mutate({ id })}>
            Pause
          </button>
        ) : null}
        {job.state === "paused" ? (
          <button type="button" className={`${button} text-stone-900`} disabled={resume.isPending} onClick={() => resume.mutate({ id })}>
            Resume
          </button>
        ) : null}
        {job.state === "failed" || job.state === "interrupted" ? (
          <button type="button" className={`${button} text-stone-900`} disabled={resume.isPending} onClick={() => resume.mutate({ id })}>
            Retry
          </button>
        ) : null}
        {active || job.state === "paused" || job.state === "interrupted" ? (
          <button type="button" className={`${button} text-red-700`} disabled={cancel.isPending} onClick={() => cancel.mutate({ id })}>
            Cancel
          </button>
        ) : null}
      </div>
      <ErrorBox error={cancel.error ?? pause.error ?? resume.error} />
      {job.error && job.state !== "cancelled" ? (
        <div role="alert" className="mt-2 text-sm text-red-800">
          <p>{job.error.message}</p>
          <p className="text-red-700">{job.error.hint}</p>
        </div>
      ) : null}
    </div>
  );
}
