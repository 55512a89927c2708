"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { TransformResult } from "../../../../lib/convert/transform-weights";
import type { AppJob } from "../../../../server/services";
import { ErrorBox } from "../../../_components/error-box";
import { formatBytes, formatSeconds } from "../../../_components/format";
import { JobProgress } from "../../../_components/job-progress";
import { useTRPC } from "../../../_trpc/client";
import { QualityReport } from "./quality-report";

const BITS = [2, 3, 4, 5, 6, 8] as const;
const GROUPS = [32, 64, 128] as const;
const RECIPES = ["mixed_2_6", "mixed_3_4", "mixed_3_6", "mixed_4_6"] as const;
const DTYPES = ["float16", "bfloat16", "float32"] as const;

type Bits = (typeof BITS)[number];
type Group = (typeof GROUPS)[number];
type Recipe = (typeof RECIPES)[number];
type Dtype = (typeof DTYPES)[number];

type QuantizeResult = TransformResult & { workspace: string };

/** A workspace is named by its folder. */
const workspaceOf = (path: string) => path.split("/").pop() ?? path;

const select = "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm";

/**
 * Quantize this workspace into a new one: bits, group size, mixed recipe and
 * dtype, with the output size estimated from the headers before starting;
 * the job's progress while it runs; the quality report when it is done. A
 * workspace that is itself the output of a quantization shows its report.
 */
export function QuantizePanel({ spec }: { spec: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const search = useSearchParams();
  const queryClient = useQueryClient();
  const jobId = search.get("quantize");
  const [open, setOpen] = useState(false);
  const [bits, setBits] = useState<Bits>(4);
  const [groupSize, setGroupSize] = useState<Group>(64);
  const [recipe, setRecipe] = useState<Recipe | "">("");
  const [dtype, setDtype] = useState<Dtype | "">("");
  const [name, setName] = useState<string | null>(null);
  const [result, setResult] = useState<QuantizeResult | null>(null);
  const options = { mode: "quantize" as const, bits, groupSize, ...(recipe ? { recipe } : {}), ...(dtype ? { dtype } : {}) };
  const target = name ?? `${spec}-${recipe || `${bits}bit`}`;
  const estimate = useQuery({ ...trpc.convert.estimate.queryOptions({ spec, options }), enabled: open });
  const stored = useQuery(trpc.convert.quality.queryOptions({ spec }));
  const start = useMutation(
    trpc.operations.start.mutationOptions({ onSuccess: (job) => router.replace(`?quantize=${job.id}`, { scroll: false }) }),
  );
  const onFinished = (job: AppJob) => {
    if (job.kind === "convert-weights" && job.result) setResult({ ...job.result, workspace: workspaceOf(job.result.target) });
    void queryClient.invalidateQueries(trpc.models.list.queryFilter());
  };

  return (
    <section className="space-y-3" data-testid="quantize-panel">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-lg font-semibold">Quantize</h2>
        {!open && !jobId ? (
          <button type="button" onClick={() => setOpen(true)} className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-stone-50">
            Quantize…
          </button>
        ) : null}
      </div>
      {stored.data ? (
        <div className="rounded-md border border-stone-200 bg-white p-4">
          <h3 className="mb-2 text-sm font-semibold">Quality of this quantization</h3>
          <QualityReport report={stored.data.quality} />
        </div>
      ) : (
        <p className="text-sm text-stone-600">MLX affine quantization in Whetstone itself, identical to mlx_lm.convert, into a new workspace.</p>
      )}

      {open && !jobId ? (
        <form
          role="dialog"
          aria-label="Quantize workspace"
          className="space-y-3 rounded-md border border-stone-200 bg-stone-100/60 p-4"
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate({ kind: "convert-weights", source: spec, name: target, options });
          }}
        >
          <div className="flex flex-wrap items-end gap-4">
            <label className="flex flex-col gap-1 text-sm">
              Bits
              <select aria-label="Bits" className={select} value={bits} onChange={(e) => setBits(Number(e.target.value) as Bits)} disabled={recipe !== ""}>
                {BITS.map((b) => (
                  <option key={b} value={b}>
                    {b}-bit
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Group size
              <select aria-label="Group size" className={select} value={groupSize} onChange={(e) => setGroupSize(Number(e.target.value) as Group)}>
                {GROUPS.map((g) => (
                  <option key={g} value={g}>
                    {g}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Mixed recipe
              <select aria-label="Mixed recipe" className={select} value={recipe} onChange={(e) => setRecipe(e.target.value as Recipe | "")}>
                <option value="">none (one bit width)</option>
                {RECIPES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              Dtype
              <select aria-label="Dtype" className={select} value={dtype} onChange={(e) => setDtype(e.target.value as Dtype | "")}>
                <option value="">as config.json says</option>
                {DTYPES.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col gap-1 text-sm">
              New workspace
              <input aria-label="New workspace" className={select} value={target} onChange={(e) => setName(e.target.value)} />
            </label>
          </div>
          <div className="text-sm" data-testid="quantize-estimate">
            {estimate.isPending ? <span className="text-stone-500">Estimating…</span> : null}
            {estimate.data ? (
              <p>
                Estimated output <span className="font-semibold">{formatBytes(estimate.data.outputBytes)}</span> (from {formatBytes(estimate.data.sourceBytes)}),{" "}
                {estimate.data.bitsPerWeight.toFixed(2)} bits per weight; {estimate.data.quantizedLayers} layers quantized (
                {Object.entries(estimate.data.bitsHistogram)
                  .map(([b, n]) => `${n}× ${b}-bit`)
                  .join(", ")}
                ){estimate.data.notDivisible.length ? `, ${estimate.data.notDivisible.length} left in float (not divisible by the group size)` : ""}.
              </p>
            ) : null}
            {estimate.data?.warnings.map((w) => (
              <p key={w} className="mt-1 text-amber-800">
                ⚠ {w}
              </p>
            ))}
          </div>
          <ErrorBox error={estimate.error} />
          <div className="flex gap-2">
            <button
              type="submit"
              className="rounded-md bg-stone-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50"
              disabled={start.isPending || !estimate.data}
            >
              Start quantization
            </button>
            <button type="button" className="rounded-md px-3 py-1.5 text-sm text-stone-600 hover:underline" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
          <ErrorBox error={start.error} />
        </form>
      ) : null}

      {jobId ? <JobProgress id={jobId} onFinished={onFinished} /> : null}
      {result ? (
        <div className="space-y-3 rounded-md border border-emerald-200 bg-emerald-50/50 p-4" data-testid="quantize-result">
          <p className="text-sm">
            {formatBytes(result.totalSize)}, {result.bitsPerWeight.toFixed(2)} bits per weight, in {formatSeconds(result.seconds)};{" "}
            {result.health ? (result.health.healthy ? "healthy" : `health: ${result.health.reason}`) : "health not checked"}.
          </p>
          {result.warnings.map((w) => (
            <p key={w} className="text-sm text-amber-800">
              ⚠ {w}
            </p>
          ))}
          {result.quality ? <QualityReport report={result.quality} /> : null}
          <Link href={`/workspaces/${encodeURIComponent(result.workspace)}`} className="inline-block text-sm font-medium text-emerald-800 hover:underline">
            Open quantized workspace {result.workspace} →
          </Link>
        </div>
      ) : null}
    </section>
  );
}
