"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ErrorBox } from "../../_components/error-box";
import { formatBytes } from "../../_components/format";
import type { GroupView } from "../../../lib/distributed/cluster-overview";
import { useTRPC } from "../../_trpc/client";

/** One model running on a group: which rank runs where, each rank's memory against the plan, and stop. */
export function GroupTable({ group }: { group: GroupView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stop = useMutation(trpc.cluster.stop.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.cluster.overview.queryKey() }) }));
  return (
    <div className="rounded-md border border-stone-200 bg-white p-3" data-testid="group" data-model={group.model} data-state={group.state}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          {group.model} <span className="text-sm font-normal text-stone-500">· {group.ranks.length} ranks, {group.mode} parallel · {group.state}{group.restarts ? ` · restarted ${group.restarts}×` : ""}</span>
        </p>
        <button type="button" className="rounded-md border border-stone-300 px-3 py-1 text-sm hover:bg-stone-50" disabled={stop.isPending} onClick={() => stop.mutate({ model: group.model })}>
          Stop
        </button>
      </div>
      {group.lastCrash ? <p className="mt-1 text-sm text-amber-800">{group.lastCrash}</p> : null}
      {group.lastError ? <ErrorBox error={{ message: group.lastError.message, data: { whet: { hint: group.lastError.hint } } }} /> : null}
      <ErrorBox error={stop.error} />
      <table className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-stone-500">
          <tr>
            <th className="py-1">Rank</th>
            <th>Host</th>
            <th>Process</th>
            <th>Memory (resident / planned)</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {group.ranks.map((r) => (
            <tr key={r.rank} data-rank={r.rank}>
              <td className="py-1">{r.rank}</td>
              <td className="font-mono text-xs">{r.host}</td>
              <td className="font-mono text-xs">{r.pid ?? "—"}</td>
              <td>
                {r.rssBytes !== null ? formatBytes(r.rssBytes) : r.pid !== null ? "on another machine" : "—"} / {formatBytes(group.plannedBytesPerRank)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
