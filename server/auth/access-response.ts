import { randomUUID } from "node:crypto";
import type { WhetError } from "../../lib/errors";
import { errorBody } from "../../lib/openai/openai-errors";

const STATUS: Record<string, number> = { unauthenticated: 401, setup_required: 503, forbidden: 403, quota_exceeded: 429, too_many_attempts: 429 };

export function accessStatus(error: WhetError): number {
  return STATUS[error.code] ?? 400;
}

/** A refusal as a JSON body the openai clients and the CLI read (`error.message`, `error.hint`), with the status and headers that go with it. */
export function accessResponse(error: WhetError, headers: Record<string, string> = {}): Response {
  const status = accessStatus(error);
  const retryAfter = error.details.retryAfterSeconds;
  const body = errorBody(error, randomUUID());
  // Forms show a refusal next to the field it is about.
  const field = typeof error.details.field === "string" ? { field: error.details.field } : {};
  return Response.json({ ...body, error: { ...body.error, ...field } }, {
    status,
    headers: {
      ...headers,
      ...(status === 401 ? { "www-authenticate": 'Bearer realm="whetstone"' } : {}),
      ...(typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {}),
    },
  });
}
