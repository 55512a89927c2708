import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountNav } from "./_components/account-nav";
import { NavLinks } from "./_components/nav-links";
import { Providers } from "./_trpc/client";
import "./globals.css";

export const metadata: Metadata = {
  title: "Whetstone",
  description: "A local workbench for MLX models",
};


export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="border-b border-stone-200 bg-white">
            <nav className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3 sm:px-6">
              <Link href="/" className="font-semibold tracking-tight">
                ◆ Whetstone
              </Link>
              <NavLinks />
              <AccountNav />
            </nav>
          </header>
          <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
