"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { formatCount } from "../../lib/format/format-count";
import { ErrorBox } from "../_components/error-box";
import { JobCard } from "../_components/job-progress";
import { useTRPC } from "../_trpc/client";
import { CloneForm } from "./_components/clone-form";
import { DemoHubNote } from "./_components/demo-hub-note";

const SORTS = [
  { value: "downloads", label: "Most downloaded" },
  { value: "likes", label: "Most liked" },
  { value: "lastModified", label: "Recently updated" },
] as const;
type Sort = (typeof SORTS)[number]["value"];

/** The Hub's pipeline tags MLX models mostly carry. */
const TASKS = ["text-generation", "image-text-to-text", "automatic-speech-recognition", "text-to-speech", "feature-extraction", "text-to-image"];

const PAGE_SIZE = 30;

function count(value: number | null): string {
  return value === null ? "—" : formatCount(value);
}

function HubSearch() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const query = params.get("q") ?? "";
  const mlxOnly = params.get("mlx") === "1";
  const task = TASKS.includes(params.get("task") ?? "") ? (params.get("task") as string) : "";
  const sort: Sort = SORTS.find((s) => s.value === params.get("sort"))?.value ?? "downloads";
  const [text, setText] = useState(query);
  // Several clone forms may be open at once, each with its own job.
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  // The cursors of the pages before this one: the Hub pages forward only.
  const [cursors, setCursors] = useState<{ key: string; stack: string[] }>({ key: "", stack: [] });
  const searchKey = `${query}|${mlxOnly}|${task}|${sort}`;
  const stack = cursors.key === searchKey ? cursors.stack : [];
  const cursor = stack.at(-1);
  const info = useQuery(trpc.system.info.queryOptions());
  // The rows stay while a new search runs (an open clone form keeps what was typed), then are replaced.
  const results = useQuery(
    trpc.hub.search.queryOptions(
      { query, mlxOnly, sort, limit: PAGE_SIZE, ...(task ? { task } : {}), ...(cursor ? { cursor } : {}) },
      { placeholderData: keepPreviousData },
    ),
  );
  const pull = useMutation(trpc.operations.start.mutationOptions());
  // Clones started before a reload keep running on the server; show them again.
  const jobs = useQuery(trpc.operations.list.queryOptions({ kinds: ["clone"], states: ["queued", "running"] }, { refetchInterval: 3_000 }));
  const [shownInRows, setShownInRows] = useState<string[]>([]);
  const running = jobs.data?.filter((j) => !shownInRows.includes(j.id)) ?? [];
  const models = results.data?.models;

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ q: query, ...(mlxOnly ? { mlx: "1" } : {}), ...(task ? { task } : {}), ...(sort !== "downloads" ? { sort } : {}) });
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    router.replace(`/hub?${next.toString()}`);
  };
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Hugging Face Hub</h1>
        <p className="text-sm text-stone-500">Searching {info.data?.endpoint ?? "…"}</p>
      </div>
      {info.data?.demoHub ? <DemoHubNote /> : null}
      <form
        role="search"
        className="flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text });
        }}
      >
        <input
          aria-label="Search models"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Search models, e.g. llama 4bit"
          className="w-full min-w-0 rounded-md border border-stone-300 px-3 py-2"
        />
        <button type="submit" className="shrink-0 rounded-md bg-stone-900 px-4 py-2 font-medium text-white hover:bg-stone-700">
          Search
        </button>
      </form>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2 text-sm text-stone-700">
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={mlxOnly} onChange={(e) => go({ mlx: e.target.checked ? "1" : "" })} />
          MLX only
        </label>
        <label className="flex items-center gap-2">
          Task
          <select value={task} onChange={(e) => go({ task: e.target.value })} className="rounded-md border border-stone-300 bg-white px-2 py-1">
            <option value="">Any</option>
            {TASKS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2">
          Sort
          <select value={sort} onChange={(e) => go({ sort: e.target.value === "downloads" ? "" : e.target.value })} className="rounded-md border border-stone-300 bg-white px-2 py-1">
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>
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
      {models?.length === 0 ? <p className="text-sm text-stone-600">No models match “{query}” with these filters.</p> : null}
      <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white" data-testid="search-results">
        {models?.map((model) => (
          <li key={model.id} className="px-4 py-3" data-repo={model.id}>
            <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
              <div className="min-w-0">
                <Link href={`/hub/${model.id.split("/").map(encodeURIComponent).join("/")}`} className="font-medium hover:underline">
                  {model.id}
                </Link>
                <p className="text-xs text-stone-500">
                  <span title={model.downloads === null ? undefined : `${model.downloads.toLocaleString()} downloads`}>↓ {count(model.downloads)}</span> ·{" "}
                  <span title={model.likes === null ? undefined : `${model.likes.toLocaleString()} likes`}>♥ {count(model.likes)}</span> · {model.pipelineTag ?? "—"}
                  {model.updatedAt ? ` · updated ${new Date(model.updatedAt).toLocaleDateString()}` : ""} ·{" "}
                  {model.tags.filter((t) => t !== "region:us").slice(0, 5).join(", ")}
                </p>
              </div>
              <div className="flex shrink-0 gap-4">
                <Link href={`/repair?repo=${encodeURIComponent(model.id)}`} className="text-sm text-stone-700 hover:underline">
                  Fix…
                </Link>
                <button type="button" className="text-sm text-stone-700 hover:underline" disabled={pull.isPending} onClick={() => pull.mutate({ kind: "pull", repo: model.id })}>
                  Pull to cache
                </button>
                <button type="button" className="text-sm text-stone-700 hover:underline" onClick={() => toggle(model.id)}>
                  {open.has(model.id) ? "Close" : "Clone…"}
                </button>
              </div>
            </div>
            {open.has(model.id) ? (
              <div className="mt-3">
                <CloneForm repo={model.id} onStarted={(id) => setShownInRows((ids) => [...ids, id])} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {stack.length > 0 || results.data?.nextCursor ? (
        <nav className="flex items-center justify-between text-sm" aria-label="Pages">
          <button type="button" className="text-stone-700 hover:underline disabled:opacity-40" disabled={stack.length === 0} onClick={() => setCursors({ key: searchKey, stack: stack.slice(0, -1) })}>
            ← Previous page
          </button>
          <span className="text-stone-500">Page {stack.length + 1}</span>
          <button
            type="button"
            className="text-stone-700 hover:underline disabled:opacity-40"
            disabled={!results.data?.nextCursor || results.isPlaceholderData}
            onClick={() => results.data?.nextCursor && setCursors({ key: searchKey, stack: [...stack, results.data.nextCursor] })}
          >
            Next page →
          </button>
        </nav>
      ) : null}
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
