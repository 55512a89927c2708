import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { roleAtLeast } from "../../lib/auth/roles";
import { authenticate } from "../../server/auth/authenticate";
import { getServices } from "../../server/services";

export const dynamic = "force-dynamic";

/** Admin pages are for admins (their data is too: every admin procedure checks again). */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const services = getServices();
  const principal = authenticate(await headers(), { access: services.config.access, auth: services.auth });
  if (!principal) redirect("/sign-in?next=%2Fadmin%2Fusers");
  if (!roleAtLeast(principal.role, "admin")) {
    return (
      <div role="alert" className="space-y-2" data-testid="admin-only">
        <h1 className="text-2xl font-semibold tracking-tight">Admins only</h1>
        <p className="text-sm text-stone-600">
          This page manages accounts and shows the audit log, so it needs the admin role, and {principal.name} is a {principal.role}. Ask an admin if you need a role change.
        </p>
      </div>
    );
  }
  return children;
}
