"use client";

import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";

export const STEPS = [
  { id: "choose", label: "Choose", href: "/repair" },
  { id: "diagnose", label: "Diagnose", href: "/repair/diagnose" },
  { id: "plan", label: "Plan", href: "/repair/plan" },
  { id: "run", label: "Run", href: "/repair/run" },
  { id: "verify", label: "Verify", href: "/repair/verify" },
  { id: "next", label: "Next", href: "/repair/next" },
] as const;

export type StepId = (typeof STEPS)[number]["id"];

/**
 * One step of the repair wizard: where it stands among the six, and its
 * heading, which takes the focus when the step opens so keyboard and screen
 * reader users land on it.
 */
export function WizardStep({ step, title, children }: { step: StepId; title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);
  const at = STEPS.findIndex((s) => s.id === step);
  return (
    <div className="mx-auto max-w-3xl space-y-6" data-testid="wizard" data-step={step}>
      <nav aria-label="Repair steps">
        <ol className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
          {STEPS.map((s, i) => (
            <li key={s.id} aria-current={i === at ? "step" : undefined} className={i === at ? "font-semibold text-stone-900 dark:text-stone-100" : i < at ? "text-stone-600 dark:text-stone-400" : "text-stone-400 dark:text-stone-500"}>
              {i + 1}. {s.label}
            </li>
          ))}
        </ol>
      </nav>
      <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold tracking-tight outline-none">
        {title}
      </h1>
      {children}
    </div>
  );
}

export const primary = "inline-block rounded-md bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700 disabled:opacity-50 dark:bg-stone-100 dark:text-stone-900";
export const secondary = "inline-block rounded-md border border-stone-300 bg-white px-4 py-2 text-sm font-medium hover:bg-stone-50 dark:border-stone-600 dark:bg-stone-800 dark:hover:bg-stone-700";
export const field = "w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm dark:border-stone-600 dark:bg-stone-900";

export function BackLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className="text-sm text-stone-600 hover:underline dark:text-stone-400">
      ← {children}
    </Link>
  );
}
