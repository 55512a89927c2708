"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox } from "../_components/error-box";
import { formatBytes } from "../_components/format";
import { JobCard } from "../_components/job-progress";
import type { AppJob } from "../../server/services";
import { useTRPC } from "../_trpc/client";
import { FileTable } from "./_components/file-table";

type DownloadJob = Extract<AppJob, { kind: "pull" | "clone" }>;
const isDownload = (job: AppJob): job is DownloadJob => job.kind === "pull" || job.kind === "clone";

/**
 * Every download (pulls into the HF cache and clones into workspaces): per
 * repo and per file, with pause, resume, cancel and retry. It reads the job
 * list from the server, so it survives a reload and an app restart.
 */
export default function DownloadsPage() {
  const trpc = useTRPC();
  const [repo, setRepo] = useState("");
  const downloads = useQuery(trpc.operations.list.queryOptions({ kinds: ["pull", "clone"], limit: 100 }, { refetchInterval: 1_000 }));
  const pull = useMutation(trpc.operations.start.mutationOptions({ onSuccess: () => setRepo("") }));
  const clean = useMutation(trpc.operations.cleanPartials.mutationOptions());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Downloads</h1>
        <p className="text-sm text-stone-500">Pulls into the Hugging Face cache and clones into workspaces. They continue after a reload or a restart.</p>
      </div>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          pull.mutate({ kind: "pull", repo: repo.trim() });
        }}
      >
        <label className="flex flex-col gap-1 text-sm">
          Pull a repository into the cache
          <input
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
            placeholder="org/name or org/name@revision"
            className="w-80 max-w-full rounded-md border border-stone-300 px-2 py-1.5 text-sm"
            aria-describedby="pull-error"
          />
        </label>
        <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={pull.isPending || !repo.trim()}>
          Pull
        </button>
        <button
          type="button"
          className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50"
          disabled={clean.isPending}
          onClick={() => clean.mutate()}
        >
          Clean partial downloads
        </button>
      </form>
      <div id="pull-error">
        <ErrorBox error={pull.error ?? clean.error} />
      </div>
      {clean.data ? (
        <p className="text-sm text-stone-600" role="status">
          {clean.data.removed.length === 0
            ? "No partial downloads to remove."
            : `Removed ${clean.data.removed.length} partial file${clean.data.removed.length === 1 ? "" : "s"} (${formatBytes(clean.data.bytes)}).`}
        </p>
      ) : null}
      <ErrorBox error={downloads.error} />
      {downloads.data?.length === 0 ? <p className="text-sm text-stone-600">No downloads yet. Pull a repository above, or clone one from the Hub page.</p> : null}
      <div className="space-y-3">
        {downloads.data?.filter(isDownload).map((job) => (
          <div key={job.id} data-testid="download" data-repo={job.progress?.repoId ?? ""} data-state={job.state}>
            <JobCard job={job} />
            {job.progress && job.state !== "succeeded" ? <FileTable progress={job.progress} active={job.state === "running"} /> : null}
          </div>
        ))}
      </div>
    </div>
  );
}
