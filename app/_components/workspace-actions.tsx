"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../_trpc/client";
import { fieldErrors, FormError, quietButtonClass } from "./forms";

/** Rename and delete for one workspace row: each opens in place, delete only after a second, explicit click. */
export function WorkspaceActions({ name, size, managed }: { name: string; size: string; managed: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<"rename" | "delete" | null>(null);
  const [to, setTo] = useState(name);
  const refresh = () => queryClient.invalidateQueries(trpc.models.list.queryFilter());
  const rename = useMutation(trpc.models.rename.mutationOptions({ onSuccess: () => (setOpen(null), refresh()) }));
  const remove = useMutation(trpc.models.remove.mutationOptions({ onSuccess: () => (setOpen(null), refresh()) }));
  const toError = fieldErrors(rename.error).to;
  const fieldId = `rename-${name}`;

  if (open === "rename") {
    return (
      <form
        className="w-full space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate({ name, to: to.trim() });
        }}
      >
        <label htmlFor={fieldId} className="block text-sm font-medium">
          New name for {name}
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <input
            id={fieldId}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-invalid={toError ? true : undefined}
            aria-describedby={toError ? `${fieldId}-error` : undefined}
            className="min-w-0 flex-1 rounded-md border border-stone-300 px-2 py-1 text-sm"
          />
          <button type="submit" disabled={rename.isPending} className="rounded-md bg-stone-900 px-3 py-1 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50">
            Save name
          </button>
          <button type="button" onClick={() => (setOpen(null), rename.reset())} className={quietButtonClass}>
            Cancel
          </button>
        </div>
        {toError ? (
          <p id={`${fieldId}-error`} role="alert" data-field-error="to" className="text-sm text-red-700">
            {toError}
          </p>
        ) : null}
        <FormError error={rename.error} />
      </form>
    );
  }
  if (open === "delete") {
    return (
      <div className="w-full space-y-2 rounded-md border border-red-200 bg-red-50 p-3" data-testid="delete-confirmation">
        <p className="text-sm text-red-900">
          Delete the workspace <strong className="break-all">{name}</strong> and its {size} from the disk? This cannot be undone; the HF cache is not touched.
        </p>
        <div className="flex flex-wrap gap-2">
          <button type="button" onClick={() => remove.mutate({ name })} disabled={remove.isPending} className="rounded-md bg-red-700 px-3 py-1 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-50">
            Delete {name}
          </button>
          <button type="button" onClick={() => (setOpen(null), remove.reset())} className={quietButtonClass}>
            Keep it
          </button>
        </div>
        <FormError error={remove.error} />
      </div>
    );
  }
  return (
    <div className="flex gap-2">
      <button type="button" onClick={() => (setTo(name), setOpen("rename"))} className={quietButtonClass} aria-label={`Rename ${name}`}>
        Rename
      </button>
      {managed ? (
        <button type="button" onClick={() => setOpen("delete")} className={quietButtonClass} aria-label={`Delete ${name}`}>
          Delete
        </button>
      ) : null}
    </div>
  );
}
