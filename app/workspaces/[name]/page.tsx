"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter, useSearchParams } from "next/navigation";
import { Fragment, Suspense, useState } from "react";
import { ggufFacts } from "../../../lib/gguf/gguf-facts";
import type { LoadCheck } from "../../../lib/mlx/verify-load";
import type { AppJob } from "../../../server/services";
import { ErrorBox } from "../../_components/error-box";
import { FindingsList } from "../../_components/findings-list";
import { formatBytes } from "../../_components/format";
import { HealthBadge } from "../../_components/health-badge";
import { JobProgress } from "../../_components/job-progress";
import { useTRPC } from "../../_trpc/client";
import { PushDialog } from "./_components/push-dialog";
import { QuantizePanel } from "./_components/quantize-panel";

type RepairModeName = "repair-index" | "repair-weights" | "repair-config" | "add-preprocessor-config" | "repair-all";

const REPAIR_TITLE: Record<RepairModeName, string> = {
  "repair-index": "Repair index",
  "repair-weights": "Repair weights",
  "repair-config": "Repair config",
  "add-preprocessor-config": "Add preprocessor config",
  "repair-all": "Repair all",
};

const REPAIR_TEXT: Record<RepairModeName, string> = {
  "repair-index": "Copies the model and rebuilds model.safetensors.index.json from the shard headers.",
  "repair-weights": "Converts weights.npz to safetensors (and adds missing safetensors metadata), then rebuilds the index.",
  "repair-config": "Fixes the config fields the findings name (eos_token_id, video_processor, stale quantization, end-of-turn tokens).",
  "add-preprocessor-config": "Adds the standard Whisper preprocessor_config.json.",
  "repair-all": "Applies every safe repair the findings call for, in one pass.",
};

function Workspace() {
  const { name: raw } = useParams<{ name: string }>();
  const name = decodeURIComponent(raw);
  const trpc = useTRPC();
  const router = useRouter();
  const search = useSearchParams();
  const queryClient = useQueryClient();
  const model = useQuery(trpc.models.get.queryOptions({ spec: name }));
  const [target, setTarget] = useState(`${name}-fixed`);
  const [repairMode, setRepairMode] = useState<RepairModeName | null>(null);
  const repairJob = search.get("repair");
  const verifyJob = search.get("verify");
  const repair = useMutation(
    trpc.operations.start.mutationOptions({ onSuccess: (job) => router.replace(`?repair=${job.id}`) }),
  );
  const verify = useMutation(trpc.operations.start.mutationOptions({ onSuccess: (job) => router.replace(`?verify=${job.id}`) }));
  const [repaired, setRepaired] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<LoadCheck | null>(null);

  // Another repair is a new piece of work: the done state belongs to the one that finished.
  const chooseRepair = (mode: RepairModeName) => {
    setRepairMode(mode);
    setRepaired(null);
  };

  const onRepairFinished = (job: AppJob) => {
    if (job.kind === "repair" && job.result) setRepaired(job.result.target.split("/").pop() ?? job.result.target);
    void queryClient.invalidateQueries(trpc.models.list.queryFilter());
  };

  if (model.error) return <ErrorBox error={model.error} />;
  if (!model.data) return <p className="text-sm text-stone-500">Checking {name}…</p>;
  const { report, model: m, path, kind, published, parent, precision, architecture, gguf } = model.data;
  const hubRepo = kind === "cache" ? m.name : m.origin;

  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-stone-500">
          <Link href="/" className="hover:underline">Models</Link> / {kind === "cache" ? "HF cache" : "workspace"}
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="break-all text-2xl font-semibold tracking-tight" data-testid="workspace-name">{name}</h1>
          <HealthBadge healthy={report.healthy} findings={report.findings} />
          {precision ? <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-700" data-testid="precision-badge">{precision}</span> : null}
          <span className="text-xs text-stone-500">{kind === "cache" ? "in the HF cache, never changed here" : report.managed ? "managed workspace" : "unmanaged folder"}</span>
        </div>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs text-stone-500" data-testid="model-facts">
          <dt>Architecture</dt>
          <dd data-testid="architecture">{architecture ?? gguf[0]?.architecture ?? "unknown (config.json names no model_type)"}</dd>
          <dt>Format</dt>
          <dd>{m.framework} · {m.model_type} · {formatBytes(m.size_bytes)}</dd>
          {gguf.map((summary) => (
            <Fragment key={summary.file}>
              <dt>{summary.file}</dt>
              <dd className="break-all" data-testid="gguf-summary">{ggufFacts(summary).filter(([label]) => label !== "Architecture").map(([label, value]) => `${label}: ${value}`).join(" · ")}</dd>
            </Fragment>
          ))}
          {parent ? (
            <>
              <dt>Made from</dt>
              <dd data-testid="lineage-parent">
                {parent.present ? (
                  <Link href={`/workspaces/${encodeURIComponent(parent.name)}`} className="break-all font-medium text-stone-800 hover:underline">{parent.name}</Link>
                ) : (
                  <span className="break-all">{parent.name} (no longer here)</span>
                )}
                {parent.kind === "cache" ? " in the HF cache" : " (workspace)"}
              </dd>
            </>
          ) : null}
          {hubRepo ? (
            <>
              <dt>Hub repo</dt>
              <dd className="break-all" data-testid="lineage-repo">{hubRepo}</dd>
            </>
          ) : null}
          <dt>Folder</dt>
          <dd className="break-all">{path}</dd>
        </dl>
      </div>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Health</h2>
        <p className="text-sm" data-testid="health-reason">{report.reason}</p>
        {report.findings.length ? (
          <Link href={`/repair/diagnose?model=${encodeURIComponent(name)}`} className="inline-block rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700">
            Fix this model
          </Link>
        ) : null}
        <FindingsList findings={report.findings} onRepair={(finding) => finding.repair && chooseRepair(finding.repair)} />
        {report.findings.filter((f) => f.repair).length > 1 ? (
          <button type="button" onClick={() => chooseRepair("repair-all")} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50">
            Repair all
          </button>
        ) : null}
      </section>

      {repairMode || repairJob ? (
        <section className="space-y-3 rounded-md border border-stone-200 bg-stone-100/60 p-4" data-testid="repair-panel">
          <h2 className="text-lg font-semibold">{repairMode ? REPAIR_TITLE[repairMode] : "Repair"}</h2>
          <p className="text-sm text-stone-600">
            {repairMode ? REPAIR_TEXT[repairMode] : ""} The repair writes a new workspace; this one is not changed.
          </p>
          <form
            className="flex flex-wrap items-center gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              repair.mutate({ kind: "repair", source: name, name: target, mode: repairMode ?? "repair-index" });
            }}
          >
            <label htmlFor="target" className="text-sm">New workspace</label>
            <input id="target" value={target} onChange={(e) => setTarget(e.target.value)} className="rounded-md border border-stone-300 px-2 py-1 text-sm" />
            <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-60" disabled={repair.isPending || repaired !== null}>
              {repaired ? "Repair done" : "Run repair"}
            </button>
          </form>
          <ErrorBox error={repair.error} />
          {repairJob ? <JobProgress id={repairJob} onFinished={onRepairFinished} /> : null}
          {repaired ? (
            <Link href={`/workspaces/${encodeURIComponent(repaired)}`} className="inline-block text-sm font-medium text-emerald-800 hover:underline">
              Open repaired workspace {repaired} →
            </Link>
          ) : null}
        </section>
      ) : null}

      <QuantizePanel spec={name} />

      {kind === "workspace" ? <PushDialog workspace={name} published={published} /> : null}

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">Run check</h2>
        <p className="text-sm text-stone-600">Load the model with mlx-lm and generate a few tokens to prove it runs.</p>
        <Link href={`/chat?model=${encodeURIComponent(name)}`} className="block text-sm font-medium text-stone-800 hover:underline">Chat with {name} →</Link>
        <button
          type="button"
          onClick={() => verify.mutate({ kind: "verify-load", spec: name })}
          className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50"
          disabled={verify.isPending}
        >
          Load in mlx-lm
        </button>
        <ErrorBox error={verify.error} />
        {verifyJob ? (
          <JobProgress id={verifyJob} onFinished={(job) => job.kind === "verify-load" && setLoaded(job.result)} />
        ) : null}
        {loaded ? (
          <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm" data-testid="load-result">
            <p>
              Loaded in {loaded.loadSeconds.toFixed(2)} s; generated {loaded.tokens.length} tokens in {loaded.generateSeconds.toFixed(2)} s.
            </p>
            <blockquote className="mt-2 whitespace-pre-wrap border-l-2 border-emerald-400 pl-3" data-testid="load-text">
              {loaded.text.trim() || "(only whitespace)"}
            </blockquote>
          </div>
        ) : null}
      </section>
    </div>
  );
}

export default function WorkspacePage() {
  return (
    <Suspense>
      <Workspace />
    </Suspense>
  );
}
