"use client";

import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { roleAtLeast } from "../lib/auth/roles";
import { lineageGroups } from "../lib/models/lineage-groups";
import type { AppRouter } from "../server/routers/_app";
import { ErrorBox } from "./_components/error-box";
import { formatBytes, formatTime } from "./_components/format";
import { HealthBadge } from "./_components/health-badge";
import { WorkspaceActions } from "./_components/workspace-actions";
import { useTRPC } from "./_trpc/client";

type Listed = inferRouterOutputs<AppRouter>["models"]["list"][number];

const SORTS = {
  name: { label: "Name (A–Z)", compare: (a: Listed, b: Listed) => a.name.localeCompare(b.name) },
  size: { label: "Size (largest first)", compare: (a: Listed, b: Listed) => b.model.size_bytes - a.model.size_bytes },
  updated: { label: "Updated (newest first)", compare: (a: Listed, b: Listed) => b.model.last_modified.localeCompare(a.model.last_modified) },
  health: { label: "Health (worst first)", compare: (a: Listed, b: Listed) => healthRank(a) - healthRank(b) },
} as const;
type SortKey = keyof typeof SORTS;

/** The badge's three states, worst first: will not load, works with warnings, healthy. */
function healthRank(item: Listed): number {
  if (item.model.health !== "healthy") return 0;
  return item.findings.some((f) => f.severity === "degrades-output") ? 1 : 2;
}

function matches(item: Listed, needle: string): boolean {
  return !needle || item.name.toLowerCase().includes(needle) || (item.origin ?? "").toLowerCase().includes(needle);
}

const modelHref = (name: string) => `/workspaces/${encodeURIComponent(name)}`;

function ModelRow({ item, depth = 0, canChange }: { item: Listed; depth?: number; canChange: boolean }) {
  const { model, findings, name } = item;
  const size = formatBytes(model.size_bytes);
  const findingsText = findings.length ? ` · ${findings.length} finding${findings.length === 1 ? "" : "s"}` : "";
  const detail =
    item.kind === "workspace"
      ? `${item.origin ?? "unmanaged folder"} · ${size} · updated ${formatTime(model.last_modified)}${findingsText}`
      : `${model.hash?.slice(0, 7) ?? ""} · ${size} · updated ${formatTime(model.last_modified)} · ${model.reason ?? "runnable"}`;
  return (
    <li className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3" data-testid="model-row" data-name={name} data-depth={depth} style={{ paddingLeft: `${1 + Math.min(depth, 3) * 1.25}rem` }}>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-center gap-2">
          {depth > 0 ? <span className="text-stone-500" aria-label={`made from ${item.parent?.name ?? "another workspace"}`}>↳</span> : null}
          <Link href={modelHref(name)} className="break-all font-medium hover:underline">
            {name}
          </Link>
          {item.precision ? (
            <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-700" data-testid="precision-badge">
              {item.precision}
            </span>
          ) : null}
          <HealthBadge healthy={model.health === "healthy"} findings={findings} />
        </div>
        <p className="mt-0.5 break-words text-xs text-stone-500">{detail}</p>
      </div>
      {item.kind === "workspace" && canChange ? <WorkspaceActions name={name} size={size} managed={item.managed} /> : null}
    </li>
  );
}

function GroupTitle({ origin, cached }: { origin: string | null; cached: boolean }) {
  if (origin === null) return <>Other folders</>;
  return (
    <>
      from{" "}
      {cached ? (
        <Link href={modelHref(origin)} className="break-all hover:underline">
          {origin}
        </Link>
      ) : (
        <span className="break-all">{origin}</span>
      )}
    </>
  );
}

export default function ModelsPage() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const me = useQuery(trpc.account.me.queryOptions(undefined, { staleTime: 60_000 }));
  const [query, setQuery] = useState("");
  const [sort, setSort] = useState<SortKey>("name");
  const needle = query.trim().toLowerCase();
  const compare = SORTS[sort].compare;
  const all = models.data ?? [];
  const workspaces = all.filter((m) => m.kind === "workspace");
  const cached = all.filter((m) => m.kind === "cache");
  const cachedNames = new Set(cached.map((m) => m.name));
  const groups = lineageGroups(workspaces.filter((m) => matches(m, needle)), compare);
  const shownCache = cached.filter((m) => matches(m, needle)).sort(compare);
  const canChange = me.data ? roleAtLeast(me.data.role, "member") : false;
  const nothingMatches = models.data && needle && groups.length === 0 && shownCache.length === 0;

  return (
    <div className="space-y-8">
      <div className="space-y-4">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-2xl font-semibold tracking-tight">Models</h1>
          <Link href="/hub" className="text-sm text-stone-600 hover:underline">
            Clone from the Hub →
          </Link>
        </div>
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-0 flex-1 basis-56">
            <label htmlFor="model-search" className="block text-sm font-medium text-stone-700">
              Find
            </label>
            <input
              id="model-search"
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="Name or origin repo"
              className="mt-1 w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm"
            />
          </div>
          <div>
            <label htmlFor="model-sort" className="block text-sm font-medium text-stone-700">
              Sort by
            </label>
            <select id="model-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)} className="mt-1 rounded-md border border-stone-300 bg-white px-2 py-1.5 text-sm">
              {Object.entries(SORTS).map(([key, { label }]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ErrorBox error={models.error} />
        {models.isLoading ? <p className="text-sm text-stone-500">Checking models…</p> : null}
        {nothingMatches ? <p className="text-sm text-stone-600">No model matches “{query.trim()}”.</p> : null}
      </div>

      <section className="space-y-3" aria-labelledby="workspaces-heading">
        <h2 id="workspaces-heading" className="text-lg font-semibold tracking-tight">
          Workspaces
        </h2>
        {models.data && workspaces.length === 0 ? <p className="text-sm text-stone-600">No workspaces yet. Search the Hub and clone a model to start.</p> : null}
        {groups.map((group) => (
          <div key={group.origin ?? ""} data-testid="workspace-group" data-origin={group.origin ?? ""}>
            <h3 className="text-sm font-medium text-stone-600">
              <GroupTitle origin={group.origin} cached={group.origin !== null && cachedNames.has(group.origin)} />
            </h3>
            <ul className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
              {group.rows.map(({ item, depth }) => (
                <ModelRow key={item.name} item={item} depth={depth} canChange={canChange} />
              ))}
            </ul>
          </div>
        ))}
      </section>

      <section className="space-y-3" aria-labelledby="cache-heading">
        <h2 id="cache-heading" className="text-lg font-semibold tracking-tight">
          HF cache
        </h2>
        {models.data && cached.length === 0 ? <p className="text-sm text-stone-600">The Hugging Face cache holds no models.</p> : null}
        {shownCache.length ? (
          <>
            <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
              {shownCache.map((item) => (
                <ModelRow key={item.name} item={item} canChange={false} />
              ))}
            </ul>
            <p className="text-xs text-stone-500">
              Cached models are never changed here: a repair copies one into a workspace first. Remove one with <code>whet rm ORG/NAME</code>.
            </p>
          </>
        ) : null}
      </section>
    </div>
  );
}
