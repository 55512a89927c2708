import { z } from "zod";
import type { AppDatabase } from "../store/app-database";
import type { SecretBox } from "./secret-box";

export interface HubTokenStore {
  set(userId: string, token: string): void;
  clear(userId: string): void;
  /** When a token is stored (for pages: they see that one is set, never the token). */
  storedAt(userId: string): string | null;
  /** The token itself, for the server's own Hub requests only. */
  get(userId: string): string | null;
}

export const hubTokenSchema = z
  .string()
  .trim()
  .regex(/^hf_[A-Za-z0-9]{20,200}$/, "A Hugging Face token starts with hf_ followed by letters and digits; copy it from huggingface.co/settings/tokens");

const SCHEMA = `
CREATE TABLE IF NOT EXISTS user_hub_tokens (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  sealed TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

/** Each user's own Hugging Face token, encrypted at rest with the secret box. */
export function openHubTokenStore(db: AppDatabase, box: SecretBox, now: () => number = Date.now): HubTokenStore {
  db.exec(SCHEMA);
  const row = db.prepare<[string], { sealed: string; updated_at: string }>("SELECT sealed, updated_at FROM user_hub_tokens WHERE user_id = ?");
  return {
    set(userId, token) {
      const sealed = box.seal(hubTokenSchema.parse(token), userId);
      db.prepare("INSERT INTO user_hub_tokens (user_id, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at").run(
        userId,
        sealed,
        new Date(now()).toISOString(),
      );
    },
    clear(userId) {
      db.prepare("DELETE FROM user_hub_tokens WHERE user_id = ?").run(userId);
    },
    storedAt(userId) {
      return row.get(userId)?.updated_at ?? null;
    },
    get(userId) {
      const found = row.get(userId);
      return found ? box.open(found.sealed, userId) : null;
    },
  };
}
