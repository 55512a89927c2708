import { randomUUID } from "node:crypto";
import { z } from "zod";
import { toWhetError, WhetError } from "../errors";

/** HTTP status for each error code a request can end with. */
function statusFor(code: string): number {
  if (code === "validation_error" || code === "ambiguous_match" || code === "invalid_model" || code === "context_length_exceeded") return 400;
  if (code.endsWith("not_found") || code === "model_not_cached" || code === "hash_not_found") return 404;
  if (code === "prompt_too_large" || code === "request_too_large") return 413;
  if (code === "model_not_runnable" || code === "load_failed" || code === "generation_failed" || code === "runner_request_timeout") return 422;
  if (code === "runner_crashed" || code === "runner_crash_loop" || code === "runner_stopped" || code === "runners_busy" || code === "rank_lost" || code === "group_failed") return 503;
  return 500;
}

/**
 * One error body that both kinds of client read: OpenAI's `{error: {message,
 * type, code, param}}` (what the openai SDK surfaces) inside mlx-knife's
 * envelope `{status: "error", error, request_id}`, plus Whetstone's hint.
 */
export function errorBody(error: WhetError, requestId: string) {
  return {
    status: "error" as const,
    error: {
      message: error.message,
      type: error.code,
      code: error.code,
      param: null,
      hint: error.hint,
      retryable: statusFor(error.code) === 503,
    },
    request_id: requestId,
  };
}

export function errorResponse(value: unknown, requestId: string = randomUUID()): Response {
  const error = value instanceof z.ZodError ? validationError(value) : toWhetError(value);
  return Response.json(errorBody(error, requestId), { status: statusFor(error.code), headers: { "x-request-id": requestId } });
}

export function validationError(error: z.ZodError): WhetError {
  const detail = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  return new WhetError("validation_error", `Request validation failed: ${detail}`, "Check the request body against the OpenAI API reference.");
}
