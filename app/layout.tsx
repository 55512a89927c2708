import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountNav } from "./_components/account-nav";
import { Providers } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Whetstone",
  description: "A local workbench for MLX models",
};

const NAV = [
  { href: "/", label: "Models" },
  { href: "/hub", label: "Hub" },
  { href: "/chat", label: "Chat" },
  { href: "/matrix", label: "Defects" },
  { href: "/downloads", label: "Downloads" },
  { href: "/jobs", label: "Jobs" },
  { href: "/doctor", label: "Status" },
];

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="border-b border-stone-200 bg-white">
            <nav className="mx-auto flex max-w-5xl items-center gap-6 px-6 py-3">
              <Link href="/" className="font-semibold tracking-tight">
                ◆ Whetstone
              </Link>
              {NAV.map((item) => (
                <Link key={item.href} href={item.href} className="text-sm text-stone-600 hover:text-stone-900">
                  {item.label}
                </Link>
              ))}
              <AccountNav />
            </nav>
          </header>
          <main className="mx-auto max-w-5xl px-6 py-8">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
