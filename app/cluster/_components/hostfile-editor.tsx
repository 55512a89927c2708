"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ErrorBox } from "../../_components/error-box";
import { formatBytes } from "../../_components/format";
import { useTRPC } from "../../_trpc/client";

const EXAMPLE = `[
  { "ssh": "127.0.0.1", "ips": ["192.168.1.10"] },
  { "ssh": "mac-studio-2.local", "ips": ["192.168.1.11"] }
]`;

/**
 * The team's hostfile as text (mlx.launch's format), or imported from the
 * JSON `mlx.distributed_config` writes; checking the hosts asks each one (ssh)
 * for its Python, mlx and mlx-lm and its memory.
 */
export function HostfileEditor({ saved }: { saved: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(saved ?? "");
  useEffect(() => setText(saved ?? ""), [saved]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.cluster.overview.queryKey() });
  const save = useMutation(trpc.cluster.saveHostfile.mutationOptions({ onSuccess: refresh }));
  const clear = useMutation(trpc.cluster.clearHostfile.mutationOptions({ onSuccess: refresh }));
  const check = useMutation(trpc.cluster.checkHosts.mutationOptions());

  return (
    <section className="space-y-2">
      <h2 className="text-lg font-semibold">Hosts</h2>
      <p className="text-sm text-stone-600">
        One entry per rank, rank 0 first and on this machine (<code>&quot;ssh&quot;: &quot;127.0.0.1&quot;</code>, with the address the others reach it on). Paste the output of{" "}
        <code>mlx.distributed_config --output-hostfile</code> or import its file: the ring backend&apos;s fields are kept.
      </p>
      <textarea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={EXAMPLE}
        rows={8}
        spellCheck={false}
        aria-label="Hostfile (JSON)"
        className="w-full rounded-md border border-stone-300 p-2 font-mono text-xs"
      />
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700" disabled={save.isPending || !text.trim()} onClick={() => save.mutate({ text })}>
          Save hostfile
        </button>
        <label className="cursor-pointer rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50">
          Import from mlx.distributed_config…
          <input
            type="file"
            accept=".json,application/json"
            className="sr-only"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (!file) return;
              const imported = await file.text();
              setText(imported);
              save.mutate({ text: imported });
            }}
          />
        </label>
        <button type="button" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50" disabled={check.isPending || !saved} onClick={() => check.mutate()}>
          {check.isPending ? "Checking hosts…" : "Check hosts"}
        </button>
        <button type="button" className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50" disabled={clear.isPending || !saved} onClick={() => clear.mutate()}>
          Clear
        </button>
      </div>
      <ErrorBox error={save.error ?? clear.error ?? check.error} />
      {check.data ? (
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-stone-500">
            <tr>
              <th className="py-1">Host</th>
              <th>Status</th>
              <th>Python · mlx · mlx-lm</th>
              <th>Memory</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-200">
            {check.data.map((h) => (
              <tr key={h.host} data-host={h.host} data-reachable={h.reachable}>
                <td className="py-1 font-mono text-xs">{h.host}</td>
                <td className={h.reachable && h.matchesThisHost && h.whetstonePresent ? "text-emerald-700" : "text-red-700"}>
                  {!h.reachable ? `unreachable: ${h.reason}` : !h.matchesThisHost ? "versions differ from this machine" : !h.whetstonePresent ? "no Whetstone checkout at the same path" : "ready"}
                </td>
                <td className="text-xs">{h.versions ? `${h.versions.python} · ${h.versions.mlx ?? "—"} · ${h.versions.mlxLm ?? "—"}` : "—"}</td>
                <td>{h.memoryBytes !== null ? formatBytes(h.memoryBytes) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
