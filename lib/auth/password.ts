import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { WhetError } from "../errors";

// scrypt with N=2^15, r=8: 32 MiB of memory per hash, OWASP's floor for scrypt; stored with each hash so it can be raised later.
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const MAX_COST_LOG2 = 20;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize("NFKC"), salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A self-describing hash: `scrypt$N$r$p$salt$key` (base64), with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64"), key.toString("base64")].join("$");
}

function parse(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } {
  const [kind, n, r, p, salt, key] = stored.split("$");
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const sane = kind === "scrypt" && Number.isInteger(Math.log2(cost.N)) && Math.log2(cost.N) <= MAX_COST_LOG2 && cost.r >= 1 && cost.r <= 32 && cost.p >= 1 && cost.p <= 4;
  if (!sane || !salt || !key) {
    throw new WhetError("invalid_password_hash", "A stored password hash is not in a form Whetstone knows", "Reset that account's password with `whet users passwd NAME`.");
  }
  return { cost, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
}

/** Compares in constant time; false for a wrong password. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const { cost, salt, key } = parse(stored);
  const candidate = await derive(password, salt, cost);
  return candidate.length === key.length && timingSafeEqual(candidate, key);
}

let decoy: Promise<string> | undefined;

/** Spends the time of one verification, so an unknown account name answers as slowly as a wrong password. */
export async function verifyNothing(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await decoy);
  return false;
}
