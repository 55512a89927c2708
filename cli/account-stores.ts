import { openAuthStores, type AuthStores } from "../lib/auth/auth-stores";
import type { AuditResult } from "../lib/auth/audit-log";
import type { WhetConfig } from "../lib/config";
import { openAppDatabase } from "../lib/store/app-database";

/**
 * The accounts of this machine's Whetstone, opened straight from the app
 * database: the CLI acts as the machine's owner, recorded in the audit log
 * as `local` from `cli`.
 */
export function openAccountStores(config: WhetConfig): AuthStores & { record(action: string, target: string, result?: AuditResult): void; close(): void } {
  const db = openAppDatabase(config.dataDir);
  const stores = openAuthStores(db, config);
  return {
    ...stores,
    record: (action, target, result = "ok") => void stores.audit.record({ user: "local", address: "cli", action, target, result }),
    close: () => db.close(),
  };
}
