import type { WhetError } from "../lib/errors";

/** mlx-knife's `--json` envelope: `{status, command, data, error}`. */
export interface Envelope {
  status: "success" | "error";
  command: string | null;
  data: unknown;
  error: ({ type: string; message: string; hint: string } & Record<string, unknown>) | null;
}

export function successEnvelope(command: string, data: unknown): Envelope {
  return { status: "success", command, data, error: null };
}

export function errorEnvelope(command: string | null, error: WhetError, data: unknown = null): Envelope {
  return {
    status: "error",
    command,
    data,
    error: { type: error.code, message: error.message, hint: error.hint, ...error.details },
  };
}
