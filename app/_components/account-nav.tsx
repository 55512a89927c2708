"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "../_trpc/client";

const PUBLIC_PAGES = ["/sign-in", "/setup"];

async function signOut() {
  await fetch("/api/auth/logout", { method: "POST" });
  window.location.assign("/sign-in");
}

/** Who is signed in, their account, the admin pages for admins, and signing out. */
export function AccountNav() {
  const trpc = useTRPC();
  const onPublicPage = PUBLIC_PAGES.includes(usePathname());
  const me = useQuery(trpc.account.me.queryOptions(undefined, { enabled: !onPublicPage, staleTime: 60_000 }));
  if (onPublicPage || !me.data) return null;
  const link = "text-sm text-stone-600 hover:text-stone-900";
  return (
    <div className="ml-auto flex items-center gap-4" data-testid="account-nav">
      {me.data.role === "admin" ? (
        <>
          <Link href="/admin/users" className={link}>
            Users
          </Link>
          <Link href="/admin/audit" className={link}>
            Audit
          </Link>
        </>
      ) : null}
      <Link href="/account" className={link} data-testid="signed-in-as">
        {me.data.mode === "local" ? "Local (admin)" : `${me.data.name} (${me.data.role})`}
      </Link>
      {me.data.mode === "team" ? (
        <button type="button" className={link} onClick={() => void signOut()}>
          Sign out
        </button>
      ) : null}
    </div>
  );
}
