"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorBox } from "../_components/error-box";
import { formatBytes } from "../_components/format";
import { useTRPC } from "../_trpc/client";
import { GroupTable } from "./_components/group-table";
import { HostfileEditor } from "./_components/hostfile-editor";
import { StartForm } from "./_components/start-form";

/**
 * Serving a model across ranks with MLX's distributed engine (mlx.launch, ring
 * backend): the hosts, which model runs on which ranks and how much memory
 * each holds, start and stop. Start and stop are for admins once team mode
 * has roles.
 */
export default function ClusterPage() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.cluster.overview.queryOptions(undefined, { refetchInterval: 2_000 }));
  const data = overview.data;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Cluster</h1>
        <p className="text-sm text-stone-500">
          A model split across several processes or machines with mlx.launch (ring backend). Chat and the OpenAI API use a model started here as they use any other.
        </p>
      </div>
      <ErrorBox error={overview.error} />
      {data ? (
        <p className="text-sm text-stone-700" data-testid="this-host">
          This machine, <span className="font-mono">{data.thisHost.name}</span>: {formatBytes(data.thisHost.totalBytes)} of memory, {formatBytes(data.thisHost.freeBytes)} free.
        </p>
      ) : null}
      <section className="space-y-2">
        <h2 className="text-lg font-semibold">Models on groups</h2>
        <StartForm hasHostfile={Boolean(data?.hostfile)} />
        {data?.groups.length === 0 ? <p className="text-sm text-stone-600">No model runs on a group.</p> : null}
        <div className="space-y-3">
          {data?.groups.map((g) => (
            <GroupTable key={g.model} group={g} />
          ))}
        </div>
      </section>
      <HostfileEditor saved={data?.hostfile?.text ?? null} />
    </div>
  );
}
