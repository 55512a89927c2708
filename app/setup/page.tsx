"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { buttonClass, Field, fieldErrors, FormError, inputClass, postJson } from "../_components/forms";

function Setup() {
  const token = useSearchParams().get("token") ?? "";
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit() {
    if (password !== confirm) return setError({ field: "confirm", message: "The two passwords differ; type the same password twice." });
    setPending(true);
    setError(null);
    try {
      await postJson("/api/auth/setup", { token, name, password });
      window.location.assign("/admin/users");
    } catch (refused) {
      setError(refused);
      setPending(false);
    }
  }

  return (
    <div className="mx-auto max-w-sm space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Create the first admin</h1>
        <p className="text-sm text-stone-600">This account manages the others: who may use Whetstone, and with which role.</p>
      </div>
      {!token ? (
        <p role="alert" className="text-sm text-red-800">
          This page needs the setup link printed when Whetstone started in team mode. Restart it to print a new one, or run <code>npx whet users add NAME --role admin</code>.
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
        <Field label="Password (at least 10 characters)" name="password" error={error}>
          <input id="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} required />
        </Field>
        <Field label="Password again" name="confirm" error={error}>
          <input id="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} className={inputClass} required />
        </Field>
        {fieldErrors(error).token ? (
          <p role="alert" className="text-sm text-red-800">
            {fieldErrors(error).token} {(error as { hint?: string }).hint}
          </p>
        ) : null}
        <FormError error={error} />
        <button type="submit" className={`${buttonClass} w-full`} disabled={pending || !token}>
          Create admin and sign in
        </button>
      </form>
    </div>
  );
}

export default function SetupPage() {
  return (
    <Suspense>
      <Setup />
    </Suspense>
  );
}
