"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { JobProgress } from "../../_components/job-progress";
import { useTRPC } from "../../_trpc/client";
import { BackLink, WizardStep } from "../_components/wizard-step";

/** Step 4: the repair running as a job; a reload finds it where it is. */
function Run() {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useSearchParams().get("job") ?? "";
  const job = useQuery(trpc.operations.get.queryOptions({ id }, { enabled: id !== "", refetchInterval: (q) => (q.state.data && ["succeeded", "failed", "cancelled"].includes(q.state.data.state) ? false : 1000) }));
  const spec = job.data?.kind === "fix" ? job.data.input.sourceName : null;
  return (
    <WizardStep step="run" title="Repairing">
      <p className="text-sm text-stone-600 dark:text-stone-400">Each step runs on the server; you can reload or leave this page and come back.</p>
      {id ? <JobProgress id={id} onFinished={() => router.push(`/repair/verify?job=${id}`)} /> : null}
      {job.data && (job.data.state === "failed" || job.data.state === "cancelled") && spec ? (
        <BackLink href={`/repair/plan?model=${encodeURIComponent(spec)}`}>Back to the plan</BackLink>
      ) : null}
    </WizardStep>
  );
}

export default function RepairRunPage() {
  return (
    <Suspense>
      <Run />
    </Suspense>
  );
}
