"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { useTRPC } from "../../_trpc/client";
import { primary, secondary, WizardStep } from "../_components/wizard-step";

/** Step 6: what to do with the repaired model. */
function Next() {
  const trpc = useTRPC();
  const id = useSearchParams().get("job") ?? "";
  const job = useQuery(trpc.operations.get.queryOptions({ id }, { enabled: id !== "", refetchInterval: (q) => (q.state.data && ["succeeded", "failed", "cancelled"].includes(q.state.data.state) ? false : 1000) }));
  const target = job.data?.kind === "fix" ? job.data.result?.target : null;
  const workspace = target?.split("/").pop() ?? null;
  const page = workspace ? `/workspaces/${encodeURIComponent(workspace)}` : "/";
  return (
    <WizardStep step="next" title={workspace ? `What next for ${workspace}?` : "What next?"}>
      {workspace ? (
        <div className="flex flex-wrap gap-3">
          <Link href={`/chat?model=${encodeURIComponent(workspace)}`} className={primary}>Chat with it now</Link>
          <Link href={`${page}#quantize`} className={secondary}>Quantize it</Link>
          <Link href={`${page}#push`} className={secondary}>Push it to the Hub</Link>
          <Link href={page} className={secondary}>Open the workspace</Link>
        </div>
      ) : null}
      <Link href="/repair" className="block text-sm text-stone-600 hover:underline dark:text-stone-400">Fix another model</Link>
    </WizardStep>
  );
}

export default function RepairNextPage() {
  return (
    <Suspense>
      <Next />
    </Suspense>
  );
}
