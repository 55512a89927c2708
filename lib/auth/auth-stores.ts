import { join } from "node:path";
import type { WhetConfig } from "../config";
import type { AppDatabase } from "../store/app-database";
import { openAuditLog, type AuditLog } from "./audit-log";
import { openHubTokenStore, type HubTokenStore } from "./hub-token-store";
import { openSecretBox } from "./secret-box";
import { openSessionStore, type SessionStore } from "./session-store";
import { openSetupTokens, type SetupTokens } from "./setup-token";
import { openTokenStore, type TokenStore } from "./token-store";
import { openUserStore, type UserStore } from "./user-store";

export interface AuthStores {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  hubTokens: HubTokenStore;
  audit: AuditLog;
  setup: SetupTokens;
}

const MAX_SESSION_DAYS = 30;

/** Accounts, sessions, tokens, Hub tokens and the audit log, in the app database; the encryption key beside it in `secret.key`. */
export function openAuthStores(db: AppDatabase, config: Pick<WhetConfig, "dataDir" | "access">, now: () => number = Date.now): AuthStores {
  return {
    users: openUserStore(db, now),
    sessions: openSessionStore(db, { idleMs: config.access.sessionIdleMinutes * 60_000, maxAgeMs: MAX_SESSION_DAYS * 86_400_000 }, now),
    tokens: openTokenStore(db, now),
    hubTokens: openHubTokenStore(db, openSecretBox(join(config.dataDir, "secret.key")), now),
    audit: openAuditLog(db, now),
    setup: openSetupTokens(db, now),
  };
}
