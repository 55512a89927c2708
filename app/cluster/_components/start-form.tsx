"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox } from "../../_components/error-box";
import { fieldErrors, FormError } from "../../_components/forms";
import { JobProgress } from "../../_components/job-progress";
import { useTRPC } from "../../_trpc/client";

type Mode = "auto" | "tensor" | "pipeline";
type Placement = { ranks: number } | { hostfile: true };

/** A refusal's sentence for one field (or one of its parts, `placement.ranks`), shown under it. */
function FieldNote({ errors, name }: { errors: Record<string, string>; name: string }) {
  const key = Object.keys(errors).find((k) => k === name || k.startsWith(`${name}.`));
  if (!key) return null;
  return (
    <span role="alert" data-field-error={name} className="max-w-64 text-xs text-red-700">
      {errors[key]}
    </span>
  );
}

/**
 * Places a model on N ranks of this machine or on the saved hostfile; the plan
 * check's refusal is shown with its fix. As a pipeline, each rank can first
 * fetch only its own shards from the Hub (a job, shown here): the group then
 * starts from those copies.
 */
export function StartForm({ hasHostfile }: { hasHostfile: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.chat.models.queryOptions());
  const [model, setModel] = useState("");
  const [repo, setRepo] = useState("");
  const [where, setWhere] = useState<"local" | "hostfile">("local");
  const [ranks, setRanks] = useState(2);
  const [mode, setMode] = useState<Mode>("auto");
  const [fetchShards, setFetchShards] = useState(false);
  // What the fetch was started for: its group starts with the same model and placement when it succeeds.
  const [fetched, setFetched] = useState<{ id: string; repo: string; placement: Placement } | null>(null);
  const start = useMutation(trpc.cluster.start.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.cluster.overview.queryKey() }) }));
  const fetchJob = useMutation(
    trpc.operations.start.mutationOptions({
      onSuccess: (job, asked) => {
        if (asked.kind === "fetch-shards") setFetched({ id: job.id, repo: asked.repo, placement: asked.placement });
      },
    }),
  );
  const fetching = fetchShards && mode === "pipeline";
  const chosen = fetching ? repo.trim() : model || models.data?.[0]?.id || "";
  const placement: Placement = where === "local" ? { ranks } : { hostfile: true };
  const errors = { ...fieldErrors(fetchJob.error), ...fieldErrors(start.error) };
  const busy = start.isPending || fetchJob.isPending;
  return (
    <div className="space-y-3">
      <form
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          start.reset();
          fetchJob.reset();
          setFetched(null);
          if (fetching) fetchJob.mutate({ kind: "fetch-shards", repo: chosen, placement });
          else start.mutate({ model: chosen, placement, mode });
        }}
      >
        {fetching ? (
          <label className="flex flex-col gap-1 text-sm">
            Hub repository
            <input
              value={repo}
              onChange={(e) => setRepo(e.target.value)}
              placeholder="org/name[@revision]"
              name="repo"
              className="w-64 max-w-full rounded-md border border-stone-300 px-2 py-1.5 text-sm"
            />
            <FieldNote errors={errors} name="repo" />
            <FieldNote errors={errors} name="model" />
          </label>
        ) : (
          <label className="flex flex-col gap-1 text-sm">
            Model
            <select value={chosen} onChange={(e) => setModel(e.target.value)} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
              {models.data?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
            <FieldNote errors={errors} name="model" />
          </label>
        )}
        <label className="flex flex-col gap-1 text-sm">
          On
          <select value={where} onChange={(e) => setWhere(e.target.value as "local" | "hostfile")} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
            <option value="local">ranks on this machine</option>
            <option value="hostfile" disabled={!hasHostfile}>
              the saved hostfile
            </option>
          </select>
          {where === "hostfile" ? <FieldNote errors={errors} name="placement" /> : null}
        </label>
        {where === "local" ? (
          <label className="flex flex-col gap-1 text-sm">
            Ranks
            <input type="number" min={2} max={64} value={ranks} onChange={(e) => setRanks(Number(e.target.value))} className="w-20 rounded-md border border-stone-300 px-2 py-1.5 text-sm" />
            <FieldNote errors={errors} name="placement" />
          </label>
        ) : null}
        <label className="flex flex-col gap-1 text-sm">
          Split
          <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
            <option value="auto">automatic</option>
            <option value="tensor">tensor parallel</option>
            <option value="pipeline">pipeline parallel</option>
          </select>
          <FieldNote errors={errors} name="mode" />
        </label>
        {mode === "pipeline" ? (
          <label className="flex items-center gap-2 self-end py-1.5 text-sm">
            <input type="checkbox" checked={fetchShards} onChange={(e) => setFetchShards(e.target.checked)} name="fetch-shards" />
            Fetch each rank&apos;s shards from the Hub first
          </label>
        ) : null}
        <button type="submit" className="self-end rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50" disabled={busy || !chosen}>
          {start.isPending ? "Checking the plan…" : fetching ? "Fetch and start" : "Start"}
        </button>
        <div className="w-full">
          <FormError error={fetchJob.error ?? start.error} />
          <ErrorBox error={models.error} />
        </div>
      </form>
      {fetched ? (
        <div data-testid="fetch-shards-job">
          <JobProgress key={fetched.id} id={fetched.id} onFinished={() => start.mutate({ model: fetched.repo, placement: fetched.placement, mode: "pipeline", fetchJob: fetched.id })} />
        </div>
      ) : null}
    </div>
  );
}
