"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ROLES, type Role } from "../../../lib/auth/roles";
import { ErrorBox } from "../../_components/error-box";
import { formatTime } from "../../_components/format";
import { buttonClass, Field, FormError, inputClass, quietButtonClass } from "../../_components/forms";
import { useTRPC } from "../../_trpc/client";

function AddUser({ onAdded }: { onAdded: () => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [password, setPassword] = useState("");
  const add = useMutation(
    trpc.admin.addUser.mutationOptions({
      onSuccess: () => {
        setName("");
        setPassword("");
        onAdded();
      },
    }),
  );
  return (
    <form
      aria-label="Add a user"
      className="grid gap-3 rounded-md border border-stone-200 bg-white p-4 sm:grid-cols-4 sm:items-start"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate({ name, role, password });
      }}
    >
      <Field label="Name" name="name" error={add.error}>
        <input id="name" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
      </Field>
      <Field label="Role" name="role" error={add.error}>
        <select id="role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={inputClass}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field label="Initial password" name="password" error={add.error}>
        <input id="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </Field>
      <div className="sm:pt-6">
        <button type="submit" className={buttonClass} disabled={add.isPending}>
          Add user
        </button>
      </div>
      <div className="sm:col-span-4">
        <FormError error={add.error} />
      </div>
    </form>
  );
}

function ResetPassword({ name, onDone }: { name: string; onDone: () => void }) {
  const trpc = useTRPC();
  const [password, setPassword] = useState("");
  const reset = useMutation(trpc.admin.resetPassword.mutationOptions({ onSuccess: onDone }));
  return (
    <form
      className="mt-2 flex flex-wrap items-start gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate({ name, password });
      }}
    >
      <Field label={`New password for ${name}`} name="password" error={reset.error}>
        <input id="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </Field>
      <button type="submit" className={`${buttonClass} mt-6`} disabled={reset.isPending}>
        Set password
      </button>
      <FormError error={reset.error} />
    </form>
  );
}

export default function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
  const setRole = useMutation(trpc.admin.setRole.mutationOptions({ onSettled: () => void refresh() }));
  const remove = useMutation(trpc.admin.removeUser.mutationOptions({ onSuccess: () => void refresh() }));
  const [resetting, setResetting] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-stone-600">
          Viewers browse models and chat; members also clone, pull, convert, quantize and push; admins manage accounts and read the audit log.
        </p>
      </div>
      <AddUser onAdded={() => void refresh()} />
      <ErrorBox error={users.error ?? setRole.error ?? remove.error} />
      <table className="w-full text-left text-sm" data-testid="users">
        <thead className="text-xs text-stone-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Role</th>
            <th>Active tokens</th>
            <th>Hub token</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {users.data?.map((user) => (
            <tr key={user.id} data-user={user.name} className="align-top">
              <td className="py-2 font-medium">
                {user.name}
                {resetting === user.name ? <ResetPassword name={user.name} onDone={() => setResetting(null)} /> : null}
              </td>
              <td>
                <select aria-label={`Role of ${user.name}`} value={user.role} onChange={(e) => setRole.mutate({ name: user.name, role: e.target.value as Role })} className="rounded-md border border-stone-300 px-2 py-1">
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>{user.activeTokens}</td>
              <td>{user.hubTokenStoredAt ? "stored" : "—"}</td>
              <td>{formatTime(user.createdAt)}</td>
              <td className="space-x-2 text-right whitespace-nowrap">
                <button type="button" className={quietButtonClass} onClick={() => setResetting(resetting === user.name ? null : user.name)}>
                  Reset password
                </button>
                {removing === user.name ? (
                  <button type="button" className="rounded-md bg-red-700 px-3 py-1 text-sm text-white" onClick={() => remove.mutate({ name: user.name })}>
                    Remove {user.name} for good
                  </button>
                ) : (
                  <button type="button" className={quietButtonClass} onClick={() => setRemoving(user.name)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
