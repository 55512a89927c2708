import { openAuthStores, type AuthStores } from "../../lib/auth/auth-stores";
import { createLoginThrottle, type LoginThrottle } from "../../lib/auth/login-throttle";
import { createRateLog, type RateLog } from "../../lib/auth/rate-log";
import type { AccessConfig, WhetConfig } from "../../lib/config";
import type { AppDatabase } from "../../lib/store/app-database";

/** The stores, plus what lives in memory: sign-in throttling and the chat quota. */
export interface AuthServices extends AuthStores {
  throttle: LoginThrottle;
  chatRate: RateLog;
  now: () => number;
}

export function createAuthServices(db: AppDatabase, config: Pick<WhetConfig, "dataDir" | "access">, now: () => number = Date.now): AuthServices {
  return {
    ...openAuthStores(db, config, now),
    throttle: createLoginThrottle(now),
    chatRate: createRateLog([{ max: config.access.quotas.chatPerMinute, windowMs: 60_000 }], now),
    now,
  };
}

/** What deciding on a request needs: how the server is exposed, and the accounts. */
export interface AccessDeps {
  access: AccessConfig;
  auth: AuthServices;
}
