import { randomUUID } from "node:crypto";
import { z } from "zod";
import { WhetError } from "../errors";
import type { AppDatabase } from "../store/app-database";
import { scopeSchema, type Scope } from "./roles";
import { hashSecret, newSecret } from "./secret-hash";
import { parseField } from "./user-store";

export interface ApiToken {
  id: string;
  userId: string;
  userName: string;
  name: string;
  scopes: Scope[];
  /** The first characters, enough to recognise a token in a list; never the whole. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface TokenStore {
  /** The raw token is returned here once and never stored. */
  create(input: { userId: string; name: string; scopes: readonly Scope[] }): { token: string; record: ApiToken };
  list(filter?: { userId?: string }): ApiToken[];
  get(id: string): ApiToken | null;
  /** The token's record when it exists and is not revoked; records the use. */
  verify(token: string): ApiToken | null;
  /** Revoked tokens stop working at once (every request looks the token up). */
  revoke(id: string): ApiToken;
}

export const TOKEN_PREFIX = "whet_";

export const tokenNameSchema = z.string().trim().min(1, "Give the token a name, such as the machine or tool that will use it").max(80, "Use at most 80 characters for the token name");
export const tokenScopesSchema = z.array(scopeSchema).min(1, "Choose at least one scope: read, chat, write or admin").max(4);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_by_user ON api_tokens (user_id);
`;

interface TokenRow {
  id: string;
  user_id: string;
  user_name: string;
  name: string;
  scopes: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const SELECT = "SELECT t.id, t.user_id, u.name AS user_name, t.name, t.scopes, t.prefix, t.created_at, t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id";

function toToken(row: TokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    userName: row.user_name,
    name: row.name,
    scopes: row.scopes.split(",").filter((s): s is Scope => scopeSchema.safeParse(s).success),
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

// A token used again within this long does not rewrite its last-used time.
const LAST_USED_RESOLUTION_MS = 10_000;

/** Named API tokens with scopes, stored as SHA-256. */
export function openTokenStore(db: AppDatabase, now: () => number = Date.now): TokenStore {
  db.exec(SCHEMA);
  const stamp = () => new Date(now()).toISOString();
  const byId = db.prepare<[string], TokenRow>(`${SELECT} WHERE t.id = ?`);
  const byHash = db.prepare<[string], TokenRow & { hash: string }>(`${SELECT.replace("SELECT ", "SELECT t.hash, ")} WHERE t.hash = ?`);

  return {
    create(input) {
      const name = parseField(tokenNameSchema, input.name, "name");
      const scopes = [...new Set(parseField(tokenScopesSchema, input.scopes, "scopes"))];
      const token = newSecret(TOKEN_PREFIX);
      const id = randomUUID();
      db.prepare("INSERT INTO api_tokens (id, user_id, name, scopes, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        id,
        input.userId,
        name,
        scopes.join(","),
        hashSecret(token),
        `${token.slice(0, TOKEN_PREFIX.length + 4)}…`,
        stamp(),
      );
      return { token, record: toToken(byId.get(id) as TokenRow) };
    },
    list(filter = {}) {
      const rows = filter.userId
        ? db.prepare<[string], TokenRow>(`${SELECT} WHERE t.user_id = ? ORDER BY t.created_at DESC`).all(filter.userId)
        : db.prepare<[], TokenRow>(`${SELECT} ORDER BY u.name, t.created_at DESC`).all();
      return rows.map(toToken);
    },
    get(id) {
      const row = byId.get(id);
      return row ? toToken(row) : null;
    },
    verify(token) {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
      const row = byHash.get(hashSecret(token));
      if (!row || row.revoked_at) return null;
      const t = now();
      if (!row.last_used_at || t - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
        row.last_used_at = new Date(t).toISOString();
        db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(row.last_used_at, row.id);
      }
      return toToken(row);
    },
    revoke(id) {
      const row = byId.get(id);
      if (!row) throw new WhetError("token_not_found", `No token ${id}`, "List the tokens with `whet tokens list` or on the Account page.");
      if (!row.revoked_at) db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?").run(stamp(), id);
      return toToken(byId.get(id) as TokenRow);
    },
  };
}
