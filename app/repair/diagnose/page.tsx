"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ErrorBox } from "../../_components/error-box";
import { useTRPC } from "../../_trpc/client";
import { PlainFindings } from "../_components/plain-findings";
import { BackLink, primary, secondary, WizardStep } from "../_components/wizard-step";

/** Step 2: what is wrong, in plain words, and whether a repair can fix it. */
function Diagnose() {
  const trpc = useTRPC();
  const model = useSearchParams().get("model") ?? "";
  const diagnosis = useQuery(trpc.repair.diagnose.queryOptions({ spec: model }, { enabled: model !== "" }));
  const d = diagnosis.data;
  const title = d ? (d.plan.verdict === "nothing-to-repair" ? `${d.name} has no known problems` : `What is wrong with ${d.name}`) : "Diagnosing…";
  return (
    <WizardStep step="diagnose" title={title}>
      <ErrorBox error={diagnosis.error} />
      {diagnosis.isLoading ? <p role="status" className="text-sm text-stone-600">Checking the model’s files…</p> : null}
      {d ? (
        <>
          {d.plan.findings.length ? <PlainFindings findings={d.plan.findings} /> : null}
          {d.plan.verdict === "repairable" ? (
            <Link href={`/repair/plan?model=${encodeURIComponent(model)}`} className={primary}>
              See the repair plan
            </Link>
          ) : null}
          {d.plan.verdict === "nothing-to-repair" ? (
            <div className="flex flex-wrap gap-3">
              <p className="w-full text-sm">Health checks found nothing to repair. You can chat with it as it is.</p>
              <Link href={`/chat?model=${encodeURIComponent(d.name)}`} className={primary}>Chat with it</Link>
            </div>
          ) : null}
          {d.plan.verdict === "only-unrepairable" ? (
            <div role="alert" className="rounded-md border border-stone-300 p-4 text-sm dark:border-stone-600" data-testid="unrepairable">
              <p className="font-medium">Whetstone cannot repair these problems automatically.</p>
              <p className="mt-1">Follow “What you can do” above for each one: usually a fresh download from the original repository, or a file from its uploader.</p>
            </div>
          ) : null}
          <Link href="/repair" className={secondary}>Choose another model</Link>
        </>
      ) : null}
      <BackLink href="/repair">Back to choosing a model</BackLink>
    </WizardStep>
  );
}

export default function RepairDiagnosePage() {
  return (
    <Suspense>
      <Diagnose />
    </Suspense>
  );
}
