import { randomBytes } from "node:crypto";

/**
 * The client's address, for the audit log and sign-in throttling. Route
 * handlers do not see the socket, so Whetstone's own servers (the team-mode
 * app server, `whet serve`) pass it in a header, tagged with a secret made
 * in this process: a client cannot forge it, and under any other server it
 * reads as "unknown" (one shared throttle for everyone, the safe side).
 */
export const CLIENT_ADDRESS_HEADER = "x-whet-client";

const holder = globalThis as typeof globalThis & { __whetFrontSecret?: string };

function secret(): string {
  holder.__whetFrontSecret ??= randomBytes(18).toString("base64url");
  return holder.__whetFrontSecret;
}

/** Sets the header on a request's headers (replacing whatever the client sent). */
export function stampClientAddress(headers: { set(name: string, value: string): void } | Record<string, string | string[] | undefined>, address: string | undefined): void {
  const value = `${secret()} ${address ?? "unknown"}`;
  if (typeof headers.set === "function") (headers as { set(name: string, value: string): void }).set(CLIENT_ADDRESS_HEADER, value);
  else (headers as Record<string, string>)[CLIENT_ADDRESS_HEADER] = value;
}

export function clientAddress(headers: { get(name: string): string | null }): string {
  const value = headers.get(CLIENT_ADDRESS_HEADER);
  const space = value?.indexOf(" ") ?? -1;
  if (!value || space < 0 || value.slice(0, space) !== holder.__whetFrontSecret) return "unknown";
  return value.slice(space + 1).replace(/^::ffff:/, "").slice(0, 64);
}
