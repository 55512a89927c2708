"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AUDIT_RESULTS, type AuditResult } from "../../../lib/auth/audit-log";
import { ErrorBox } from "../../_components/error-box";
import { formatTime } from "../../_components/format";
import { Field, inputClass } from "../../_components/forms";
import { useTRPC } from "../../_trpc/client";

interface Filters {
  user: string;
  action: string;
  result: AuditResult | "";
  since: string;
  until: string;
}

/** `datetime-local` values are local times; the server wants instants. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export default function AuditPage() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({ user: "", action: "", result: "", since: "", until: "" });
  const input = {
    ...(filters.user ? { user: filters.user } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.result ? { result: filters.result } : {}),
    ...(toIso(filters.since) ? { since: toIso(filters.since) } : {}),
    ...(toIso(filters.until) ? { until: toIso(filters.until) } : {}),
  };
  const entries = useQuery(trpc.admin.audit.queryOptions(input, { refetchInterval: 5_000 }));
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [key]: e.target.value });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
        <p className="text-sm text-stone-600">Every sign-in and every change: who, when, from which address, what, and how it ended.</p>
      </div>
      <form aria-label="Filters" className="grid gap-3 sm:grid-cols-5" onSubmit={(e) => e.preventDefault()}>
        <Field label="User" name="user" error={entries.error}>
          <input id="user" value={filters.user} onChange={set("user")} className={inputClass} />
        </Field>
        <Field label="Action" name="action" error={entries.error}>
          <input id="action" value={filters.action} onChange={set("action")} placeholder="clone, login, user…" className={inputClass} />
        </Field>
        <Field label="Result" name="result" error={entries.error}>
          <select id="result" value={filters.result} onChange={set("result")} className={inputClass}>
            <option value="">any</option>
            {AUDIT_RESULTS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Field label="From" name="since" error={entries.error}>
          <input id="since" type="datetime-local" value={filters.since} onChange={set("since")} className={inputClass} />
        </Field>
        <Field label="Until" name="until" error={entries.error}>
          <input id="until" type="datetime-local" value={filters.until} onChange={set("until")} className={inputClass} />
        </Field>
      </form>
      <ErrorBox error={entries.error} />
      <table className="w-full text-left text-sm" data-testid="audit-log">
        <thead className="text-xs text-stone-500">
          <tr>
            <th className="py-1">When</th>
            <th>User</th>
            <th>Address</th>
            <th>Action</th>
            <th>Target</th>
            <th>Result</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {entries.data?.map((entry) => (
            <tr key={entry.id} data-action={entry.action} data-user={entry.user} data-result={entry.result}>
              <td className="py-2 whitespace-nowrap">{formatTime(entry.at)}</td>
              <td>{entry.user}</td>
              <td>{entry.address}</td>
              <td>{entry.action}</td>
              <td className="break-all">{entry.target}</td>
              <td className={entry.result === "ok" ? "text-emerald-700" : "text-red-700"}>{entry.result}</td>
              <td className="text-stone-600">{entry.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.data?.length === 0 ? <p className="text-sm text-stone-500">Nothing matches these filters.</p> : null}
    </div>
  );
}
