import { createRateLog, type RateLimit } from "./rate-log";

/** code-server's limits: two failed sign-ins a minute and twelve an hour, here per address and per account alike. */
export const LOGIN_LIMITS: readonly RateLimit[] = [
  { max: 2, windowMs: 60_000 },
  { max: 12, windowMs: 3_600_000 },
];

export interface LoginThrottle {
  /** Milliseconds before this address may try this account again; 0 when it may now. */
  wait(address: string, name: string): number;
  failed(address: string, name: string): void;
}

/**
 * Counts failed sign-ins. Every attempt is refused while either its address
 * or the account it names is over a limit, the right password included, so
 * guessing from many addresses or at many accounts is slow as well.
 */
export function createLoginThrottle(now: () => number = Date.now): LoginThrottle {
  const log = createRateLog(LOGIN_LIMITS, now);
  const keys = (address: string, name: string) => [`address:${address}`, `account:${name.trim().toLowerCase().slice(0, 64)}`];
  return {
    wait: (address, name) => Math.max(...keys(address, name).map((k) => log.wait(k))),
    failed: (address, name) => keys(address, name).forEach((k) => log.record(k)),
  };
}
