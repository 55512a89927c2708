"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox } from "../../_components/error-box";
import { JobProgress } from "../../_components/job-progress";
import { useTRPC } from "../../_trpc/client";

export function workspaceNameFor(repo: string): string {
  return (repo.split("/").pop() ?? repo).replace(/[^\w.-]/g, "-");
}

/** A workspace name and "Clone to workspace", then the clone's progress and a link to the workspace it made. */
export function CloneForm({ repo, onStarted, onDone }: { repo: string; onStarted?: (jobId: string) => void; onDone?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(workspaceNameFor(repo));
  const clone = useMutation(trpc.operations.start.mutationOptions({ onSuccess: (job) => onStarted?.(job.id) }));
  const [done, setDone] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          clone.mutate({ kind: "clone", repo, name });
        }}
      >
        <label className="text-xs text-stone-600" htmlFor={`ws-${repo}`}>
          Workspace name
        </label>
        <input id={`ws-${repo}`} value={name} onChange={(e) => setName(e.target.value)} className="min-w-0 rounded-md border border-stone-300 px-2 py-1 text-sm" />
        <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={clone.isPending}>
          Clone to workspace
        </button>
      </form>
      <ErrorBox error={clone.error} />
      {clone.data ? (
        <JobProgress
          id={clone.data.id}
          onFinished={(job) => {
            if (job.kind === "clone" && job.result) setDone(job.result.target.split("/").pop() ?? name);
            onDone?.();
          }}
        />
      ) : null}
      {done ? (
        <button type="button" className="text-sm font-medium text-emerald-800 hover:underline" onClick={() => router.push(`/workspaces/${encodeURIComponent(done)}`)}>
          Open workspace {done} →
        </button>
      ) : null}
    </div>
  );
}
