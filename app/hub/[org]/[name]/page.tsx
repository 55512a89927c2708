"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import type { ReactNode } from "react";
import { formatCount } from "../../../../lib/format/format-count";
import { ErrorBox } from "../../../_components/error-box";
import { formatBytes, formatTime } from "../../../_components/format";
import { JobProgress } from "../../../_components/job-progress";
import { useTRPC } from "../../../_trpc/client";
import { CloneForm } from "../../_components/clone-form";
import { DemoHubNote } from "../../_components/demo-hub-note";
import { ModelCard } from "./_components/model-card";

type Section<T> = { ok: true; value: T } | { ok: false; message: string; hint: string };

/** A part of the page the Hub would not give: what went wrong and the fix, in place of the value. */
function Unavailable({ section }: { section: Extract<Section<unknown>, { ok: false }> }) {
  return (
    <span className="text-amber-800">
      {section.message} <span className="text-stone-600">{section.hint}</span>
    </span>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0" data-testid={testId}>
      <dt className="text-xs uppercase tracking-wide text-stone-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}

const FIT_STYLE = {
  fits: "border-emerald-200 bg-emerald-50 text-emerald-800",
  "fits-after-closing": "border-amber-200 bg-amber-50 text-amber-800",
  "too-large": "border-red-200 bg-red-50 text-red-800",
} as const;

function HubModel() {
  const params = useParams<{ org: string; name: string }>();
  const repo = `${decodeURIComponent(params.org)}/${decodeURIComponent(params.name)}`;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const info = useQuery(trpc.system.info.queryOptions());
  const model = useQuery(trpc.hub.model.queryOptions({ repo }, { retry: false, refetchOnWindowFocus: false }));
  const pull = useMutation(trpc.operations.start.mutationOptions());
  const refreshLocal = () => queryClient.invalidateQueries({ queryKey: trpc.hub.model.queryKey({ repo }) });
  const m = model.data;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-stone-500">
          <Link href="/hub" className="hover:underline">
            Hub
          </Link>{" "}
          / {decodeURIComponent(params.org)}
        </p>
        <h1 className="break-all text-2xl font-semibold tracking-tight">{repo}</h1>
        {m ? (
          <p className="mt-1 text-sm text-stone-600" data-testid="model-meta">
            <span title={m.downloads === null ? undefined : `${m.downloads.toLocaleString()} downloads`}>↓ {m.downloads === null ? "—" : formatCount(m.downloads)}</span> ·{" "}
            <span title={m.likes === null ? undefined : `${m.likes.toLocaleString()} likes`}>♥ {m.likes === null ? "—" : formatCount(m.likes)}</span>
            {m.pipelineTag ? ` · ${m.pipelineTag}` : ""}
            {m.libraryName ? ` · ${m.libraryName}` : ""}
            {m.gated ? " · gated: needs an accepted access request" : ""}
            {m.private ? " · private" : ""}
          </p>
        ) : null}
      </div>
      {info.data?.demoHub ? <DemoHubNote /> : null}
      <ErrorBox error={model.error} />
      {model.isLoading ? <p className="text-sm text-stone-500">Reading {repo} from the Hub…</p> : null}
      {m ? (
        <>
          <section className="space-y-3 rounded-md border border-stone-200 bg-white p-4" aria-label="Get this model">
            <div className="flex flex-wrap items-center gap-3">
              <button
                type="button"
                className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50"
                disabled={pull.isPending}
                onClick={() => pull.mutate({ kind: "pull", repo })}
              >
                Pull into the cache
              </button>
              <Link href={`/repair?repo=${encodeURIComponent(repo)}`} className="text-sm text-stone-700 hover:underline">
                Fix this model…
              </Link>
            </div>
            <ErrorBox error={pull.error} />
            {pull.data ? (
              <div className="space-y-1">
                <JobProgress id={pull.data.id} onFinished={refreshLocal} />
                <p className="text-xs text-stone-500">
                  Also on the <Link href="/downloads" className="underline">Downloads</Link> page.
                </p>
              </div>
            ) : null}
            <CloneForm repo={repo} onDone={refreshLocal} />
          </section>

          <dl className="grid grid-cols-1 gap-4 rounded-md border border-stone-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-3">
            <Fact label="Parameters" testId="fact-parameters">
              {m.parameters === null ? (
                "No safetensors weights to count."
              ) : m.parameters.ok ? (
                <span title={`${m.parameters.value.total.toLocaleString()} parameters`}>
                  {formatCount(m.parameters.value.total)}
                  <span className="text-stone-500">
                    {" "}
                    from the headers of {m.parameters.value.shards} {m.parameters.value.shards === 1 ? "shard" : "shards"} ({formatBytes(m.parameters.value.bytesRead)} read)
                    {m.parameters.value.unpacked ? ", quantized weights counted unpacked" : ""}
                  </span>
                </span>
              ) : (
                <Unavailable section={m.parameters} />
              )}
            </Fact>
            <Fact label="Architecture" testId="fact-architecture">
              {m.config.ok ? (m.config.value.architectures.join(", ") || m.config.value.modelType) ?? "Not stated in config.json" : <Unavailable section={m.config} />}
              {m.config.ok && m.config.value.modelType && m.config.value.architectures.length > 0 ? <span className="text-stone-500"> ({m.config.value.modelType})</span> : null}
            </Fact>
            <Fact label="Quantization" testId="fact-quantization">
              {!m.config.ok
                ? "Unknown"
                : m.config.value.quantization
                  ? [
                      m.config.value.quantization.method,
                      m.config.value.quantization.bits ? `${m.config.value.quantization.bits}-bit` : null,
                      m.config.value.quantization.groupSize ? `group size ${m.config.value.quantization.groupSize}` : null,
                      m.config.value.quantization.mixed ? "some layers at other bits" : null,
                    ]
                      .filter(Boolean)
                      .join(", ")
                  : "None (full-precision weights)"}
            </Fact>
            <Fact label="Licence" testId="fact-licence">
              {m.license ?? "Not stated"}
            </Fact>
            <Fact label="Last update" testId="fact-updated">
              {m.lastModified ? formatTime(m.lastModified) : "Unknown"}
              <span className="block truncate text-xs text-stone-500" title={m.commit}>
                commit {m.commit.slice(0, 12)}
              </span>
            </Fact>
            <Fact label="Size" testId="fact-size">
              {formatBytes(m.totalBytes)} in {m.files.length} files
              {m.weightBytes > 0 ? <span className="text-stone-500"> ({formatBytes(m.weightBytes)} of weights)</span> : null}
            </Fact>
          </dl>

          {m.memory ? (
            <p className={`rounded-md border px-4 py-3 text-sm ${FIT_STYLE[m.memory.verdict]}`} data-testid="memory-fit" data-verdict={m.memory.verdict}>
              {m.memory.sentence}
            </p>
          ) : (
            <p className="rounded-md border border-stone-200 bg-white px-4 py-3 text-sm text-stone-600" data-testid="memory-fit">
              Whether it fits this machine is unknown: the repository has no safetensors weights.
            </p>
          )}

          <section className="space-y-2" aria-label="On this machine" data-testid="local-copies">
            <h2 className="text-lg font-semibold tracking-tight">On this machine</h2>
            {m.local.cache.length === 0 && m.local.workspaces.length === 0 ? <p className="text-sm text-stone-600">Not in the HF cache or any workspace yet.</p> : null}
            <ul className="space-y-1 text-sm">
              {m.local.cache.map((c) => (
                <li key={c.commit}>
                  <Link href={`/workspaces/${encodeURIComponent(m.id)}`} className="font-medium hover:underline">
                    In the HF cache
                  </Link>{" "}
                  <span className="text-stone-500">
                    at {c.commit.slice(0, 12)}
                    {c.refs.length ? ` (${c.refs.join(", ")})` : ""}
                    {c.current ? ", the Hub's current commit" : ", older than the Hub's"}
                  </span>
                </li>
              ))}
              {m.local.workspaces.map((w) => (
                <li key={w.name}>
                  Workspace{" "}
                  <Link href={`/workspaces/${encodeURIComponent(w.name)}`} className="font-medium hover:underline">
                    {w.name}
                  </Link>
                  <span className="text-stone-500">{w.current ? ", from the Hub's current commit" : w.commit ? `, from ${w.commit.slice(0, 12)}` : ""}</span>
                </li>
              ))}
            </ul>
          </section>

          <section className="space-y-2" aria-label="Files">
            <h2 className="text-lg font-semibold tracking-tight">Files</h2>
            <table className="w-full table-fixed rounded-md border border-stone-200 bg-white text-sm" data-testid="model-files">
              <tbody className="divide-y divide-stone-200">
                {m.files.map((f) => (
                  <tr key={f.path}>
                    <td className="break-all px-3 py-1.5">{f.path}</td>
                    <td className="w-28 px-3 py-1.5 text-right text-stone-600">{f.size === null ? "—" : formatBytes(f.size)}</td>
                  </tr>
                ))}
                <tr className="font-medium">
                  <td className="px-3 py-1.5">Total</td>
                  <td className="w-28 px-3 py-1.5 text-right">{formatBytes(m.totalBytes)}</td>
                </tr>
              </tbody>
            </table>
          </section>

          <section className="space-y-2" aria-label="Model card">
            <h2 className="text-lg font-semibold tracking-tight">Model card</h2>
            {!m.card.ok ? (
              <p className="text-sm">
                <Unavailable section={m.card} />
              </p>
            ) : m.card.value ? (
              <div className="rounded-md border border-stone-200 bg-white p-4">
                <ModelCard markdown={m.card.value} baseUrl={`${info.data?.endpoint ?? "https://huggingface.co"}/${m.id}/blob/${m.commit}/`} />
              </div>
            ) : (
              <p className="text-sm text-stone-600">This repository has no README.md.</p>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

export default function HubModelPage() {
  return <HubModel />;
}
