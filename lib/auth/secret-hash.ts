import { createHash, randomBytes } from "node:crypto";

/** A new random secret, URL-safe, with a recognisable prefix (`whet_…`) so it can be found in logs and secret scanners. */
export function newSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString("base64url")}`;
}

/** Secrets are stored as their SHA-256: a database leak does not leak them. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
