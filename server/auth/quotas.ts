import { WhetError } from "../../lib/errors";
import type { AccessDeps } from "./auth-services";
import type { Principal } from "./principal";

export function quotaExceeded(message: string, retryAfterMs: number, hint: string): WhetError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new WhetError("quota_exceeded", message, hint.replace("{seconds}", String(retryAfterSeconds)), { retryAfterSeconds });
}

/** Counts one chat request against the user's per-minute quota; the error when over it. The person at the machine has no quota. */
export function takeChatRequest(principal: Principal, deps: AccessDeps): WhetError | null {
  if (principal.via === "local") return null;
  const wait = deps.auth.chatRate.take(principal.id);
  if (wait === 0) return null;
  const limit = deps.access.quotas.chatPerMinute;
  return quotaExceeded(
    `${principal.name} has made ${limit} chat requests in the last minute, the most one user may`,
    wait,
    "Wait {seconds} seconds and try again; an admin can raise the limit with WHET_QUOTA_CHAT_PER_MINUTE.",
  );
}

/** The error when the user already has as many jobs queued or running as one user may. */
export function jobQuotaError(principal: Principal, active: number, limit: number): WhetError | null {
  if (principal.via === "local" || active < limit) return null;
  return quotaExceeded(
    `${principal.name} already has ${active} jobs queued or running, the most one user may`,
    60_000,
    "Wait for one to finish or cancel one on the Jobs page, then try again (in about {seconds} seconds); an admin can raise the limit with WHET_QUOTA_JOBS.",
  );
}
