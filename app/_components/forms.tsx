"use client";

import type { ReactNode } from "react";

/** What a refused request says about each field (tRPC's `data.fields`, or a route's `error.field`), in words. */
export function fieldErrors(error: unknown): Record<string, string> {
  const e = error as { data?: { fields?: Record<string, string> | null } | null; field?: string; message?: string } | null;
  if (e?.data?.fields) return e.data.fields;
  if (e?.field && e.message) return { [e.field]: e.message };
  return {};
}

/** The refusal as a sentence and its fix, unless it is about one field (then it is shown there). */
export function FormError({ error }: { error: unknown }) {
  if (!error || Object.keys(fieldErrors(error)).length) return null;
  const e = error as { message?: string; hint?: string; data?: { whet?: { hint?: string } | null } | null };
  const hint = e.hint ?? e.data?.whet?.hint;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="font-medium">{e.message ?? String(error)}</p>
      {hint ? <p className="mt-1 text-red-800">{hint}</p> : null}
    </div>
  );
}

export function Field({ label, name, error, children }: { label: string; name: string; error: unknown; children: ReactNode }) {
  const message = fieldErrors(error)[name];
  return (
    <div className="space-y-1">
      <label htmlFor={name} className="block text-sm font-medium text-stone-700">
        {label}
      </label>
      {children}
      {message ? (
        <p role="alert" data-field-error={name} className="text-sm text-red-700">
          {message}
        </p>
      ) : null}
    </div>
  );
}

export const inputClass = "w-full rounded-md border border-stone-300 px-3 py-2 text-sm";
export const buttonClass = "rounded-md bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50";
export const quietButtonClass = "rounded-md border border-stone-300 px-3 py-1 text-sm text-stone-700 hover:bg-stone-100";

/** POSTs JSON to a sign-in route; a refusal is thrown as `{ message, hint, field }`. */
export async function postJson<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = (await response.json().catch(() => null)) as { error?: { message: string; hint: string; field?: string } } | null;
  if (!response.ok) throw data?.error ?? { message: `Whetstone answered ${response.status}.`, hint: "Try again in a moment." };
  return data as T;
}
