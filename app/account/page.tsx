"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Scope } from "../../lib/auth/roles";
import { ErrorBox } from "../_components/error-box";
import { formatTime } from "../_components/format";
import { buttonClass, Field, FormError, inputClass, quietButtonClass } from "../_components/forms";
import { useTRPC } from "../_trpc/client";

function PasswordForm() {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent("");
        setNext("");
      },
    }),
  );
  return (
    <section className="space-y-3" aria-label="Password">
      <h2 className="text-lg font-semibold tracking-tight">Password</h2>
      <form
        className="grid max-w-md gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ current, next });
        }}
      >
        <Field label="Current password" name="current" error={change.error}>
          <input id="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} className={inputClass} />
        </Field>
        <Field label="New password (at least 10 characters)" name="next" error={change.error}>
          <input id="next" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} className={inputClass} />
        </Field>
        <FormError error={change.error} />
        {change.isSuccess ? <p role="status" className="text-sm text-emerald-800">Password changed. Your other sessions were signed out.</p> : null}
        <div>
          <button type="submit" className={buttonClass} disabled={change.isPending}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}

function Tokens({ scopes }: { scopes: readonly Scope[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.account.tokens.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.account.tokens.queryKey() });
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Scope[]>(["read", "chat"].filter((s) => scopes.includes(s as Scope)) as Scope[]);
  const create = useMutation(trpc.account.createToken.mutationOptions({ onSuccess: () => void refresh() }));
  const revoke = useMutation(trpc.account.revokeToken.mutationOptions({ onSuccess: () => void refresh() }));
  return (
    <section className="space-y-3" aria-label="API tokens">
      <h2 className="text-lg font-semibold tracking-tight">API tokens</h2>
      <p className="text-sm text-stone-600">
        For OpenAI clients and scripts: send <code>Authorization: Bearer whet_…</code>. A token can do at most what your role allows, and no token can manage accounts.
      </p>
      <form
        className="grid max-w-md gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, scopes: chosen });
        }}
      >
        <Field label="Token name" name="name" error={create.error}>
          <input id="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="laptop, notebook server…" className={inputClass} />
        </Field>
        <Field label="Scopes" name="scopes" error={create.error}>
          <div className="flex gap-4" id="scopes">
            {scopes.map((scope) => (
              <label key={scope} className="flex items-center gap-1 text-sm">
                <input type="checkbox" checked={chosen.includes(scope)} onChange={(e) => setChosen(e.target.checked ? [...chosen, scope] : chosen.filter((s) => s !== scope))} />
                {scope}
              </label>
            ))}
          </div>
        </Field>
        <FormError error={create.error} />
        <div>
          <button type="submit" className={buttonClass} disabled={create.isPending}>
            Create token
          </button>
        </div>
      </form>
      {create.data ? (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          <p className="font-medium">Copy the token now: it is shown this once and never again.</p>
          <code data-testid="new-token" className="mt-1 block break-all select-all">
            {create.data.token}
          </code>
        </div>
      ) : null}
      <ErrorBox error={tokens.error ?? revoke.error} />
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-stone-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Token</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-200">
          {tokens.data?.map((token) => (
            <tr key={token.id} data-token={token.name}>
              <td className="py-2">{token.name}</td>
              <td>
                <code>{token.prefix}</code>
              </td>
              <td>{token.scopes.join(", ")}</td>
              <td>{formatTime(token.createdAt)}</td>
              <td>{token.lastUsedAt ? formatTime(token.lastUsedAt) : "never"}</td>
              <td className="text-right">
                {token.revokedAt ? (
                  <span className="text-stone-500">revoked {formatTime(token.revokedAt)}</span>
                ) : (
                  <button type="button" className={quietButtonClass} onClick={() => revoke.mutate({ id: token.id })}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data?.length === 0 ? <p className="text-sm text-stone-500">No tokens yet.</p> : null}
    </section>
  );
}

function HubToken() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stored = useQuery(trpc.account.hubToken.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.account.hubToken.queryKey() });
  const [token, setToken] = useState("");
  const set = useMutation(
    trpc.account.setHubToken.mutationOptions({
      onSuccess: () => {
        setToken("");
        void refresh();
      },
    }),
  );
  const clear = useMutation(trpc.account.clearHubToken.mutationOptions({ onSuccess: () => void refresh() }));
  return (
    <section className="space-y-3" aria-label="Hugging Face token">
      <h2 className="text-lg font-semibold tracking-tight">Hugging Face token</h2>
      <p className="text-sm text-stone-600">
        Used for your pulls, pushes and gated models. It is stored encrypted on the Whetstone machine and never shown again, here or anywhere.
      </p>
      <p className="text-sm" data-testid="hub-token-state">
        {stored.data?.storedAt ? `A token is stored (since ${formatTime(stored.data.storedAt)}).` : "No token stored: your Hub requests are anonymous."}
      </p>
      <form
        className="grid max-w-md gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          set.mutate({ token });
        }}
      >
        <Field label="New token" name="token" error={set.error}>
          <input id="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="hf_…" className={inputClass} />
        </Field>
        <FormError error={set.error ?? clear.error} />
        <div className="flex gap-2">
          <button type="submit" className={buttonClass} disabled={set.isPending}>
            Store token
          </button>
          {stored.data?.storedAt ? (
            <button type="button" className={quietButtonClass} onClick={() => clear.mutate()}>
              Remove token
            </button>
          ) : null}
        </div>
      </form>
    </section>
  );
}

export default function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  if (me.error) return <ErrorBox error={me.error} />;
  if (!me.data) return <p className="text-sm text-stone-500">Loading…</p>;
  if (me.data.mode === "local") {
    return (
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="text-sm text-stone-600">
          This Whetstone runs in local mode: the person at the machine is an admin and has no account. Accounts, tokens and per-user Hub tokens apply in team mode (
          <code>npm start -- --lan</code>).
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Account</h1>
        <p className="text-sm text-stone-600">
          Signed in as <span className="font-medium">{me.data.name}</span> ({me.data.role}).
        </p>
      </div>
      <PasswordForm />
      <Tokens scopes={me.data.scopes} />
      <HubToken />
    </div>
  );
}
