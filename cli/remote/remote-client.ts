import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { toWhetError, WhetError } from "../../lib/errors";
import { remoteFetch } from "../../lib/remote/remote-fetch";
import { explainRefusal } from "../../lib/remote/remote-refusal";
import type { AppRouter } from "../../server/routers/_app";
import { eventSourceOver } from "./event-source";
import type { RemoteTarget } from "./remote-target";

export type RemoteClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** The app's tRPC API on a remote Whetstone, as the browser uses it: superjson, one request per call, subscriptions as event streams. */
export function remoteClient(target: RemoteTarget): RemoteClient {
  const fetcher = remoteFetch({ token: target.token, fingerprint: target.fingerprint, label: target.label, insecure: target.insecure === true });
  const url = `${target.url.replace(/\/+$/, "")}/api/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource: eventSourceOver(fetcher) as never }),
        false: httpLink({ url, transformer: superjson, fetch: fetcher }),
      }),
    ],
  });
}

interface WhetErrorData {
  httpStatus?: number;
  whet?: { code: string; hint: string; retryAfterSeconds: number | null } | null;
}

/** What went wrong on the remote, as a WhetError: the server's own code, message and hint, a refusal explained with its fix. */
export function remoteError(error: unknown, target: RemoteTarget): WhetError {
  for (let cause: unknown = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof WhetError) return cause;
  }
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as WhetErrorData;
    const status = data.httpStatus ?? 500;
    if (data.whet) {
      return explainRefusal({ status, code: data.whet.code, message: error.message, hint: data.whet.hint, retryAfterSeconds: data.whet.retryAfterSeconds }, target.label);
    }
    return new WhetError("remote_error", `${target.label} could not answer: ${error.message}`, "Check the Whetstone there (its Doctor page) and try again.", { http_status: status });
  }
  return toWhetError(error);
}
