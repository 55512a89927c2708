"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const NAV = [
  { href: "/", label: "Models" },
  { href: "/hub", label: "Hub" },
  { href: "/chat", label: "Chat" },
  { href: "/repair", label: "Repair" },
  { href: "/matrix", label: "Defects" },
  { href: "/downloads", label: "Downloads" },
  { href: "/jobs", label: "Jobs" },
  { href: "/cluster", label: "Cluster" },
  { href: "/doctor", label: "Doctor" },
];

/** The main navigation, the current page marked; it wraps on a phone instead of running off the screen. */
export function NavLinks() {
  const path = usePathname();
  const current = (href: string) => (href === "/" ? path === "/" || path.startsWith("/workspaces") : path === href || path.startsWith(`${href}/`));
  return (
    <>
      {NAV.map((item) => (
        <Link
          key={item.href}
          href={item.href}
          aria-current={current(item.href) ? "page" : undefined}
          className={`text-sm hover:text-stone-900 ${current(item.href) ? "font-semibold text-stone-900 underline underline-offset-8" : "text-stone-600"}`}
        >
          {item.label}
        </Link>
      ))}
    </>
  );
}
