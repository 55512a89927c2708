import type { AppDatabase } from "../store/app-database";
import { hashSecret, newSecret } from "./secret-hash";

export interface SessionLimits {
  /** A session unused this long ends. */
  idleMs: number;
  /** And none lasts longer than this, used or not. */
  maxAgeMs: number;
}

export interface SessionStore {
  /** A new session; the raw id goes in the cookie and nowhere else. */
  create(userId: string, address: string): { id: string; expiresAt: number };
  /** The session's user, or null when unknown, idle too long or too old (then it is deleted). */
  lookup(id: string): { userId: string; createdAt: number } | null;
  revoke(id: string): void;
  /** Ends every session of a user but `exceptId` (after a password change or a role change). */
  revokeAll(userId: string, exceptId?: string): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id);
`;

interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
}

// Seeing a session again within this long does not write to the database.
const TOUCH_EVERY_MS = 60_000;

/** Browser sessions, stored by the SHA-256 of their id, with an idle expiry and a maximum age on an injected clock. */
export function openSessionStore(db: AppDatabase, limits: SessionLimits, now: () => number = Date.now): SessionStore {
  db.exec(SCHEMA);
  const find = db.prepare<[string], SessionRow>("SELECT id_hash, user_id, created_at, last_seen_at FROM sessions WHERE id_hash = ?");
  const remove = db.prepare<[string]>("DELETE FROM sessions WHERE id_hash = ?");
  return {
    create(userId, address) {
      const id = newSecret("", 32);
      const t = now();
      db.prepare("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?").run(t - limits.idleMs, t - limits.maxAgeMs);
      db.prepare("INSERT INTO sessions (id_hash, user_id, address, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)").run(hashSecret(id), userId, address, t, t);
      return { id, expiresAt: t + limits.maxAgeMs };
    },
    lookup(id) {
      if (!id || id.length > 200) return null;
      const hash = hashSecret(id);
      const row = find.get(hash);
      if (!row) return null;
      const t = now();
      if (t - row.last_seen_at > limits.idleMs || t - row.created_at > limits.maxAgeMs) {
        remove.run(hash);
        return null;
      }
      if (t - row.last_seen_at > TOUCH_EVERY_MS) db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(t, hash);
      return { userId: row.user_id, createdAt: row.created_at };
    },
    revoke(id) {
      remove.run(hashSecret(id));
    },
    revokeAll(userId, exceptId) {
      db.prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?").run(userId, exceptId ? hashSecret(exceptId) : "");
    },
  };
}
