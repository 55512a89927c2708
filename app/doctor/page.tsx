"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorBox } from "../_components/error-box";
import { useTRPC } from "../_trpc/client";

export default function DoctorPage() {
  const trpc = useTRPC();
  const checks = useQuery(trpc.system.doctor.queryOptions());
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Doctor</h1>
      <p className="text-sm text-stone-600">What Whetstone needs, what is installed, and the command that fixes what is missing.</p>
      <ErrorBox error={checks.error} />
      {checks.isLoading ? <p className="text-sm text-stone-500">Checking…</p> : null}
      <ul className="divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
        {checks.data?.map((check) => (
          <li key={check.id} className="flex items-start justify-between gap-4 px-4 py-3" data-check={check.id} data-ok={check.ok}>
            <div>
              <p className="font-medium">
                <span className={check.ok ? "text-emerald-700" : "text-red-700"}>{check.ok ? "✓" : "✗"}</span> {check.label}
              </p>
              <p className="break-all text-xs text-stone-500">{check.detail}</p>
            </div>
            {check.fix ? <code className="rounded bg-stone-100 px-2 py-1 text-xs">{check.fix}</code> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
