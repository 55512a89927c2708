import { z } from "zod";
import { WhetError } from "../errors";

/** What a remote Whetstone said when it refused a request, from its access layer or from a procedure. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  hint: string;
  retryAfterSeconds: number | null;
}

/**
 * The refusal as a sentence for the person at the CLI, with the fix: a token
 * the server no longer accepts, a scope the token lacks (the server names it
 * and the command that makes one), or a quota and when to retry.
 */
export function explainRefusal(refusal: Refusal, label: string): WhetError {
  const details = { http_status: refusal.status, ...(refusal.retryAfterSeconds !== null ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}) };
  if (refusal.status === 401 || refusal.code === "unauthenticated") {
    return new WhetError(
      "token_refused",
      `${label} refused the API token: it has been revoked, it has expired, or it was never one of that Whetstone's tokens`,
      `Create a new token on ${label}'s Account page (or with \`whet tokens create NAME --user YOU --scopes read,write\` on that machine) and save it with \`whet remote add ${label} URL --token-stdin\` (or set WHET_TOKEN).`,
      details,
    );
  }
  if (refusal.status === 429 && refusal.retryAfterSeconds !== null && !refusal.hint.includes(String(refusal.retryAfterSeconds))) {
    return new WhetError(refusal.code, refusal.message, `Try again in ${refusal.retryAfterSeconds} seconds. ${refusal.hint}`, details);
  }
  return new WhetError(refusal.code, refusal.message, refusal.hint, details);
}

const accessBody = z.object({ error: z.object({ message: z.string().max(2000), code: z.string().max(100), hint: z.string().max(2000).optional() }) });

/** The access layer's JSON refusal (`{error: {message, code, hint}}`, not tRPC's `{error: {json}}`), explained; null for anything else. */
export function refusalFrom(status: number, text: string, retryAfter: string | null, label: string): WhetError | null {
  if (![401, 403, 429, 503].includes(status)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = accessBody.safeParse(raw);
  if (!parsed.success) return null;
  const seconds = Number(retryAfter);
  const { message, code, hint = "" } = parsed.data.error;
  return explainRefusal({ status, code, message, hint, retryAfterSeconds: retryAfter && Number.isFinite(seconds) ? seconds : null }, label);
}
