import type { AppDatabase } from "../store/app-database";
import { hashSecret, newSecret } from "./secret-hash";

export const SETUP_TOKEN_MINUTES = 15;

export interface SetupTokens {
  /** A new one-time token (replacing any earlier one), valid for 15 minutes. */
  create(): { token: string; expiresAt: string };
  /** True once for a valid, unexpired token; it is used up. */
  consume(token: string): boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS setup_tokens (
  hash TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
`;

/** The link a team-mode start prints so the first admin can be created in the browser. */
export function openSetupTokens(db: AppDatabase, now: () => number = Date.now): SetupTokens {
  db.exec(SCHEMA);
  return {
    create() {
      const token = newSecret("");
      const expiresAt = now() + SETUP_TOKEN_MINUTES * 60_000;
      db.transaction(() => {
        db.exec("DELETE FROM setup_tokens");
        db.prepare("INSERT INTO setup_tokens (hash, expires_at) VALUES (?, ?)").run(hashSecret(token), expiresAt);
      })();
      return { token, expiresAt: new Date(expiresAt).toISOString() };
    },
    consume(token) {
      if (typeof token !== "string" || token.length > 200) return false;
      const { changes } = db.prepare("DELETE FROM setup_tokens WHERE hash = ? AND expires_at > ?").run(hashSecret(token), now());
      return changes === 1;
    },
  };
}
