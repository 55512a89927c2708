/**
 * Every failure a person can see is a WhetError: a stable `code` (also the
 * `error.type` of the --json envelope), a message that names the problem and
 * a `hint` that says what to do next.
 */
export class WhetError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, hint: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "WhetError";
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

export function whetError(
  code: string,
  message: string,
  hint: string,
  details: Record<string, unknown> = {},
): WhetError {
  return new WhetError(code, message, hint, details);
}

export function isWhetError(value: unknown): value is WhetError {
  return value instanceof WhetError;
}

/** Wraps anything thrown into a WhetError so renderers handle one shape. */
export function toWhetError(value: unknown): WhetError {
  if (value instanceof WhetError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new WhetError(
    "internal_error",
    message,
    "This is a bug in Whetstone; please report it with the command you ran.",
  );
}
