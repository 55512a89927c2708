import { WhetError } from "../errors";

/**
 * A certificate's SHA-256 fingerprint as team mode prints it and Node reports
 * it (`AB:CD:…`, 32 bytes), from what a person pastes: that form, with a
 * `SHA256:` prefix, in lower case, or as plain hex.
 */
export function normalizeFingerprint(value: string): string {
  const hex = value.trim().replace(/^sha-?256[:=]?/i, "").replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new WhetError(
      "invalid_fingerprint",
      "The fingerprint is not a SHA-256 certificate fingerprint (64 hex digits, pairs separated by colons)",
      "Copy it from the line `Certificate SHA-256 fingerprint: …` that team mode prints when it starts.",
    );
  }
  return hex.match(/../g)?.join(":") ?? hex;
}
