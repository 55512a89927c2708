/**
 * Every failure a person can see is a WhetError: a stable `code` (also the
 * `error.type` of the --json envelope), a message that names the problem and
 * a `hint` that says what to do next.
 */
/**
 * Marks WhetErrors across copies of this module: Next bundles the services
 * (made at start-up, in instrumentation's bundle) apart from the routes, so
 * an error a service throws comes from another copy of this class, and a
 * plain `instanceof` in a route would call it an internal error.
 */
const BRAND = Symbol.for("whetstone.WhetError");

export class WhetError extends Error {
  readonly code: string;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  constructor(code: string, message: string, hint: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "WhetError";
    this.code = code;
    this.hint = hint;
    this.details = details;
    Object.defineProperty(this, BRAND, { value: true });
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
