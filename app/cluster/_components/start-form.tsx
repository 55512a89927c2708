"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorBox } from "../../_components/error-box";
import { useTRPC } from "../../_trpc/client";

/** Places a model on N ranks of this machine or on the saved hostfile; the plan check's refusal is shown with its fix. */
export function StartForm({ hasHostfile }: { hasHostfile: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.chat.models.queryOptions());
  const [model, setModel] = useState("");
  const [where, setWhere] = useState<"local" | "hostfile">("local");
  const [ranks, setRanks] = useState(2);
  const [mode, setMode] = useState<"auto" | "tensor" | "pipeline">("auto");
  const start = useMutation(trpc.cluster.start.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.cluster.overview.queryKey() }) }));
  const chosen = model || models.data?.[0]?.id || "";
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({ model: chosen, placement: where === "local" ? { ranks } : { hostfile: true }, mode });
      }}
    >
      <label className="flex flex-col gap-1 text-sm">
        Model
        <select value={chosen} onChange={(e) => setModel(e.target.value)} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
          {models.data?.map((m) => (
            <option key={m.id} value={m.id}>
              {m.id}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm">
        On
        <select value={where} onChange={(e) => setWhere(e.target.value as "local" | "hostfile")} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
          <option value="local">ranks on this machine</option>
          <option value="hostfile" disabled={!hasHostfile}>
            the saved hostfile
          </option>
        </select>
      </label>
      {where === "local" ? (
        <label className="flex flex-col gap-1 text-sm">
          Ranks
          <input type="number" min={2} max={64} value={ranks} onChange={(e) => setRanks(Number(e.target.value))} className="w-20 rounded-md border border-stone-300 px-2 py-1.5 text-sm" />
        </label>
      ) : null}
      <label className="flex flex-col gap-1 text-sm">
        Split
        <select value={mode} onChange={(e) => setMode(e.target.value as "auto" | "tensor" | "pipeline")} className="rounded-md border border-stone-300 px-2 py-1.5 text-sm">
          <option value="auto">automatic</option>
          <option value="tensor">tensor parallel</option>
          <option value="pipeline">pipeline parallel</option>
        </select>
      </label>
      <button type="submit" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={start.isPending || !chosen}>
        {start.isPending ? "Checking the plan…" : "Start"}
      </button>
      <div className="w-full">
        <ErrorBox error={start.error ?? models.error} />
      </div>
    </form>
  );
}
