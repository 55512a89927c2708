"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { ErrorBox } from "../../_components/error-box";
import { formatBytes } from "../../_components/format";
import { useTRPC } from "../../_trpc/client";
import { BackLink, field, primary, WizardStep } from "../_components/wizard-step";

const NAME = /^[A-Za-z0-9][\w.-]{0,127}$/;

function nameProblem(name: string): string | null {
  if (!name) return "Give the repaired workspace a name.";
  if (!NAME.test(name)) return "Use letters, digits, '.', '_' and '-' (no spaces or slashes), starting with a letter or digit.";
  return null;
}

/** Step 3: the repairs in order, where the result goes, and the space it needs. */
function Plan() {
  const trpc = useTRPC();
  const router = useRouter();
  const model = useSearchParams().get("model") ?? "";
  const diagnosis = useQuery(trpc.repair.diagnose.queryOptions({ spec: model }, { enabled: model !== "" }));
  const [name, setName] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const start = useMutation(trpc.operations.start.mutationOptions({ onSuccess: (job) => router.push(`/repair/run?job=${job.id}`) }));
  const d = diagnosis.data;
  const target = name ?? d?.proposedName ?? "";
  const problem = touched ? nameProblem(target) : null;
  const tooBig = d && d.bytesFree !== null && d.bytesNeeded > d.bytesFree;
  let n = 1;
  return (
    <WizardStep step="plan" title={d ? `How ${d.name} will be repaired` : "Planning…"}>
      <ErrorBox error={diagnosis.error} />
      {d ? (
        <>
          <ol className="space-y-2 text-sm" data-testid="plan-steps">
            {d.copyName ? (
              <li>
                <span className="font-medium">{n++}. Copy it into a workspace.</span> It is in the Hugging Face cache, which Whetstone never changes; the copy is named <code>{d.copyName}</code>.
              </li>
            ) : null}
            {d.plan.steps.map((s) => (
              <li key={s.mode}>
                <span className="font-medium">{n++}. {s.why}</span>
              </li>
            ))}
            <li>
              <span className="font-medium">{n++}. Check the result,</span> load it in mlx-lm and let it write a few words.
            </li>
          </ol>
          <form
            className="space-y-2"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setTouched(true);
              if (nameProblem(target)) return;
              start.mutate({ kind: "fix", spec: model, name: target, ...(d.copyName ? { copyName: d.copyName } : {}) });
            }}
          >
            <label htmlFor="target" className="block text-sm font-medium">Name of the repaired workspace</label>
            <input
              id="target"
              className={`${field} sm:w-96`}
              value={target}
              aria-invalid={problem ? true : undefined}
              aria-describedby="target-help target-error"
              onChange={(e) => {
                setName(e.target.value);
                setTouched(true);
              }}
            />
            <p id="target-help" className="text-xs text-stone-600 dark:text-stone-400">
              It needs about {formatBytes(d.bytesNeeded)}
              {d.bytesFree !== null ? `; ${formatBytes(d.bytesFree)} is free` : ""}. The original is not modified.
            </p>
            <div id="target-error">
              {problem ? <p role="alert" className="text-sm text-red-800 dark:text-red-300">{problem}</p> : null}
              {tooBig ? <p role="alert" className="text-sm text-red-800 dark:text-red-300">There is not enough free disk space for the repair; free some space first.</p> : null}
              <ErrorBox error={start.error} />
            </div>
            <button type="submit" className={primary} disabled={start.isPending || Boolean(tooBig)}>
              Repair now
            </button>
          </form>
        </>
      ) : null}
      <BackLink href={`/repair/diagnose?model=${encodeURIComponent(model)}`}>Back to the diagnosis</BackLink>
    </WizardStep>
  );
}

export default function RepairPlanPage() {
  return (
    <Suspense>
      <Plan />
    </Suspense>
  );
}
