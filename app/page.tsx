"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { ErrorBox } from "./_components/error-box";
import { formatBytes } from "./_components/format";
import { HealthBadge } from "./_components/health-badge";
import { useTRPC } from "./_trpc/client";

function ModelRow({ title, detail, healthy, findings }: { title: ReactNode; detail: string; healthy: boolean; findings: readonly { severity: string }[] }) {
  return (
    <li className="flex items-center justify-between gap-4 px-4 py-3">
      <div>
        {title}
        <p className="text-xs text-stone-500">{detail}</p>
      </div>
      <HealthBadge healthy={healthy} findings={findings} />
    </li>
  );
}

export default function ModelsPage() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const workspaces = models.data?.filter((m) => m.kind === "workspace") ?? [];
  const cached = models.data?.filter((m) => m.kind === "cache") ?? [];
  return (
    <div className="space-y-10">
      <section>
        <div className="flex items-baseline justify-between">
          <h1 className="text-2xl font-semibold tracking-tight">Workspaces</h1>
          <Link href="/hub" className="text-sm text-stone-600 hover:underline">
            Clone from the Hub →
          </Link>
        </div>
        <ErrorBox error={models.error} />
        {models.isLoading ? <p className="mt-4 text-sm text-stone-500">Checking models…</p> : null}
        {models.data && workspaces.length === 0 ? (
          <p className="mt-4 text-sm text-stone-600">No workspaces yet. Search the Hub and clone a model to start.</p>
        ) : null}
        <ul className="mt-4 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
          {workspaces.map(({ model, findings }) => {
            const name = model.display_name ?? model.name;
            return (
              <ModelRow
                key={model.name}
                healthy={model.health === "healthy"}
                findings={findings}
                title={
                  <Link href={`/workspaces/${encodeURIComponent(name)}`} className="font-medium hover:underline">
                    {name}
                  </Link>
                }
                detail={`${model.origin ?? "unmanaged folder"} · ${formatBytes(model.size_bytes)}${
                  findings.length ? ` · ${findings.length} finding${findings.length === 1 ? "" : "s"}` : ""
                }`}
              />
            );
          })}
        </ul>
      </section>
      <section>
        <h2 className="text-lg font-semibold tracking-tight">HF cache</h2>
        {models.data && cached.length === 0 ? <p className="mt-2 text-sm text-stone-600">The Hugging Face cache holds no models.</p> : null}
        <ul className="mt-4 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
          {cached.map(({ model, findings }) => (
            <ModelRow
              key={model.name}
              healthy={model.health === "healthy"}
              findings={findings}
              title={
                <Link href={`/workspaces/${encodeURIComponent(model.name)}`} className="font-medium hover:underline">
                  {model.name}
                </Link>
              }
              detail={`${model.hash?.slice(0, 7) ?? ""} · ${formatBytes(model.size_bytes)} · ${model.reason ?? "runnable"}`}
            />
          ))}
        </ul>
      </section>
    </div>
  );
}
