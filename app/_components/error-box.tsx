"use client";

/** A failed request as a person should see it: what went wrong and what to do. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as { message?: string; data?: { whet?: { hint?: string } | null } | null };
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-medium">{e.message ?? String(error)}</p>
      {e.data?.whet?.hint ? <p className="mt-1 text-red-800">{e.data.whet.hint}</p> : null}
    </div>
  );
}
