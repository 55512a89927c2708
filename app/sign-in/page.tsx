"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { buttonClass, Field, FormError, inputClass, postJson } from "../_components/forms";

interface AuthStatus {
  mode: "local" | "team";
  needsSetup: boolean;
  user: { name: string; role: string } | null;
}

/** Only paths on this site are followed after signing in. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

function SignIn() {
  const params = useSearchParams();
  const next = safeNext(params.get("next"));
  const status = useQuery({ queryKey: ["auth-status"], queryFn: () => fetch("/api/auth/status").then((r) => r.json() as Promise<AuthStatus>) });
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit() {
    setPending(true);
    setError(null);
    try {
      await postJson("/api/auth/login", { name, password });
      // A full load, so the navigation bar and every query start as the signed-in user.
      window.location.assign(next);
    } catch (refused) {
      setError(refused);
      setPending(false);
    }
  }

  if (status.data?.mode === "local") {
    return (
      <p className="text-sm text-stone-600">
        This Whetstone runs in local mode: the person at the machine needs no sign-in. <Link href="/" className="underline">Open it</Link>.
      </p>
    );
  }
  return (
    <div className="mx-auto max-w-sm space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
        <p className="text-sm text-stone-600">This Whetstone is shared by a team; every request needs an account.</p>
      </div>
      {status.data?.needsSetup ? (
        <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          No admin account exists yet. Open the setup link printed when Whetstone started, or run <code>npx whet users add NAME --role admin</code> on the machine.
        </div>
      ) : null}
      {status.data?.user ? (
        <p className="text-sm text-stone-600">
          You are signed in as {status.data.user.name}. <Link href={next} className="underline">Continue</Link>.
        </p>
      ) : null}
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" name="name" error={error}>
          <input id="name" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} className={inputClass} required />
        </Field>
        <Field label="Password" name="password" error={error}>
          <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} required />
        </Field>
        <FormError error={error} />
        <button type="submit" className={`${buttonClass} w-full`} disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="text-xs text-stone-500">Forgot your password? An admin can reset it on the Users page.</p>
    </div>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignIn />
    </Suspense>
  );
}
