"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useEffect, useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "../../server/routers/_app";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let checkingSession = false;

/** A failed request may mean the session ended (idle, signed out elsewhere, password changed): then the sign-in page, and back. */
async function signInIfSignedOut() {
  if (checkingSession || ["/sign-in", "/setup"].includes(window.location.pathname)) return;
  checkingSession = true;
  try {
    const status = (await (await fetch("/api/auth/status")).json()) as { mode: string; user: unknown };
    if (status.mode === "team" && !status.user) {
      window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
  } finally {
    checkingSession = false;
  }
}

function makeQueryClient() {
  const onError = () => void signInIfSignedOut();
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: { queries: { staleTime: 5_000, retry: false } },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchStreamLink({ url: "/api/trpc", transformer: superjson }),
        }),
      ],
    }),
  );
  // Marks the page interactive once React has taken it over: typing before that is lost, so browser tests wait for it.
  useEffect(() => {
    document.body.dataset.hydrated = "true";
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
