"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { ErrorBox } from "../_components/error-box";
import { JobCard, JobProgress } from "../_components/job-progress";
import { useTRPC } from "../_trpc/client";

function workspaceNameFor(repo: string): string {
  return (repo.split("/").pop() ?? repo).replace(/[^\w.-]/g, "-");
}

function CloneRow({ repo, onStarted }: { repo: string; onStarted: (jobId: string) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(workspaceNameFor(repo));
  const clone = useMutation(trpc.operations.start.mutationOptions({ onSuccess: (job) => onStarted(job.id) }));
  const [done, setDone] = useState<{ workspace: string } | null>(null);
  return (
    <div className="mt-3 space-y-2">
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
        <input
          id={`ws-${repo}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          className="rounded-md border border-stone-300 px-2 py-1 text-sm"
        />
        <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={clone.isPending}>
          Clone to workspace
        </button>
      </form>
      <ErrorBox error={clone.error} />
      {clone.data ? (
        <JobProgress
          id={clone.data.id}
          onFinished={(job) => {
            if (job.kind === "clone" && job.result) setDone({ workspace: job.result.target.split("/").pop() ?? name });
          }}
        />
      ) : null}
      {done ? (
        <button type="button" className="text-sm font-medium text-emerald-800 hover:underline" onClick={() => router.push(`/workspaces/${encodeURIComponent(done.workspace)}`)}>
          Open workspace {done.workspace} →
        </button>
      ) : null}
    </div>
  );
}

function HubSearch() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const query = params.get("q") ?? "";
  const [text, setText] = useState(query);
  const [open, setOpen] = useState<string | null>(null);
  const info = useQuery(trpc.system.info.queryOptions());
  // The rows stay while a new search runs (an open clone form keeps what was typed), then are replaced.
  const results = useQuery(trpc.hub.search.queryOptions({ query, mlxOnly: false, limit: 30 }, { placeholderData: keepPreviousData }));
  const pull = useMutation(trpc.operations.start.mutationOptions());
  // Clones started before a reload keep running on the server; show them again.
  const jobs = useQuery(trpc.operations.list.queryOptions({ kinds: ["clone"], states: ["queued", "running"] }, { refetchInterval: 3_000 }));
  const [shownInRows, setShownInRows] = useState<string[]>([]);
  const running = jobs.data?.filter((j) => !shownInRows.includes(j.id)) ?? [];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Hugging Face Hub</h1>
        <p className="text-sm text-stone-500">Searching {info.data?.endpoint ?? "…"}</p>
      </div>
      <form
        role="search"
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          router.replace(`/hub?q=${encodeURIComponent(text)}`);
        }}
      >
        <input
          aria-label="Search models"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Search models, e.g. llama 4bit"
          className="w-full rounded-md border border-stone-300 px-3 py-2"
        />
        <button type="submit" className="rounded-md bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700">
          Search
        </button>
      </form>
      {running.length > 0 ? (
        <section className="space-y-2" aria-label="Clones in progress">
          <h2 className="text-sm font-medium text-stone-600">Clones in progress</h2>
          {running.map((job) => (
            <JobCard key={job.id} job={job} />
          ))}
        </section>
      ) : null}
      <ErrorBox error={results.error ?? pull.error} />
      {pull.data ? (
        <p className="text-sm text-stone-600" role="status">
          Pulling {pull.data.title.replace(/^Pull /, "")}: follow it on the <Link href="/downloads" className="underline">Downloads</Link> page.
        </p>
      ) : null}
      {results.isLoading ? <p className="text-sm text-stone-500">Searching…</p> : null}
      {results.data?.length === 0 ? <p className="text-sm text-stone-600">No models match “{query}”.</p> : null}
      <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white" data-testid="search-results">
        {results.data?.map((model) => (
          <li key={model.id} className="px-4 py-3" data-repo={model.id}>
            <div className="flex items-center justify-between gap-4">
              <div>
                <button type="button" className="font-medium hover:underline" onClick={() => setOpen(open === model.id ? null : model.id)}>
                  {model.id}
                </button>
                <p className="text-xs text-stone-500">
                  ↓ {model.downloads} · ♥ {model.likes} · {model.pipelineTag ?? "—"} · {model.tags.filter((t) => t !== "region:us").slice(0, 5).join(", ")}
                </p>
              </div>
              <div className="flex shrink-0 gap-4">
                <Link href={`/repair?repo=${encodeURIComponent(model.id)}`} className="text-sm text-stone-700 hover:underline">
                  Fix…
                </Link>
                <button type="button" className="text-sm text-stone-700 hover:underline" disabled={pull.isPending} onClick={() => pull.mutate({ kind: "pull", repo: model.id })}>
                  Pull to cache
                </button>
                <button type="button" className="text-sm text-stone-700 hover:underline" onClick={() => setOpen(open === model.id ? null : model.id)}>
                  {open === model.id ? "Close" : "Clone…"}
                </button>
              </div>
            </div>
            {open === model.id ? <CloneRow repo={model.id} onStarted={(id) => setShownInRows((ids) => [...ids, id])} /> : null}
          </li>
        ))}
      </ul>
      <p className="text-xs text-stone-500">
        Cloned models become workspaces; the Hugging Face cache is never modified. <Link href="/" className="underline">See your workspaces</Link>.
      </p>
    </div>
  );
}

export default function HubPage() {
  return (
    <Suspense>
      <HubSearch />
    </Suspense>
  );
}
