"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ErrorBox } from "../../_components/error-box";
import { HealthBadge } from "../../_components/health-badge";
import { useTRPC } from "../../_trpc/client";
import { PlainFindings } from "../_components/plain-findings";
import { primary, WizardStep } from "../_components/wizard-step";

/** Step 5: the result's health, before and after, and what the repaired model wrote in mlx-lm. */
function Verify() {
  const trpc = useTRPC();
  const id = useSearchParams().get("job") ?? "";
  const job = useQuery(trpc.operations.get.queryOptions({ id }, { enabled: id !== "", refetchInterval: (q) => (q.state.data && ["succeeded", "failed", "cancelled"].includes(q.state.data.state) ? false : 1000) }));
  const result = job.data?.kind === "fix" ? job.data.result : null;
  const workspace = result?.target?.split("/").pop() ?? "";
  return (
    <WizardStep step="verify" title={result?.after?.healthy ? "Fixed and verified" : "Checking the result"}>
      <ErrorBox error={job.error} />
      {job.data && job.data.state !== "succeeded" ? <p className="text-sm">This repair has not finished ({job.data.state}).</p> : null}
      {result?.after ? (
        <>
          <div className="flex items-center gap-3">
            <span className="font-medium">{workspace}</span>
            <HealthBadge healthy={result.after.healthy} findings={result.after.findings} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2" data-testid="before-after">
            <section>
              <h2 className="mb-2 text-sm font-semibold">Before: {result.plan.findings.length} problem{result.plan.findings.length === 1 ? "" : "s"}</h2>
              <PlainFindings findings={result.plan.findings} />
            </section>
            <section>
              <h2 className="mb-2 text-sm font-semibold">After: {result.after.findings.length === 0 ? "no problems" : `${result.after.findings.length} left`}</h2>
              {result.after.findings.length ? <PlainFindings findings={result.after.findings} /> : <p className="text-sm text-emerald-800 dark:text-emerald-300">Every problem found before is fixed.</p>}
            </section>
          </div>
          {result.verified ? (
            <section className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm dark:border-emerald-900 dark:bg-emerald-950" data-testid="verified">
              <p>
                mlx-lm loaded it in {result.verified.loadSeconds.toFixed(1)} s and wrote {result.verified.tokens.length} tokens:
              </p>
              <blockquote className="mt-2 whitespace-pre-wrap border-l-2 border-emerald-400 pl-3 font-serif">{result.verified.text.trim() || "(only whitespace)"}</blockquote>
            </section>
          ) : null}
          <Link href={`/repair/next?job=${id}`} className={primary}>
            Next
          </Link>
        </>
      ) : null}
    </WizardStep>
  );
}

export default function RepairVerifyPage() {
  return (
    <Suspense>
      <Verify />
    </Suspense>
  );
}
