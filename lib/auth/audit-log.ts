import { z } from "zod";
import type { AppDatabase } from "../store/app-database";

export const AUDIT_RESULTS = ["ok", "denied", "failed"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditEntry {
  id: number;
  at: string;
  /** The account's name at the time; `local` for the person at the machine (local mode and the CLI). */
  user: string;
  address: string;
  /** What was done: `login`, `user.add`, `token.revoke`, `clone`, `chat.remove`… */
  action: string;
  /** What it was done to: a user, a token, a workspace, a job. */
  target: string;
  result: AuditResult;
  /** Why it was refused or how it failed, in words. */
  detail: string;
}

export const auditFilterSchema = z.object({
  user: z.string().trim().max(64).optional(),
  action: z.string().trim().max(80).optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  since: z.iso.datetime({ message: "Give the start time as a date and time, such as 2026-01-31T09:00:00Z" }).optional(),
  until: z.iso.datetime({ message: "Give the end time as a date and time, such as 2026-01-31T18:00:00Z" }).optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

export interface AuditLog {
  record(entry: Omit<AuditEntry, "id" | "at" | "detail"> & { detail?: string }): AuditEntry;
  /** Newest first. `action` matches a whole action or its family (`user` finds `user.add`). */
  list(filter?: AuditFilter): AuditEntry[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_by_user ON audit_log (user, at);
`;

const KEEP_DAYS = 400;

/** Who did what, when, from where, and how it ended; kept for over a year. */
export function openAuditLog(db: AppDatabase, now: () => number = Date.now): AuditLog {
  db.exec(SCHEMA);
  db.prepare("DELETE FROM audit_log WHERE at < ?").run(new Date(now() - KEEP_DAYS * 86_400_000).toISOString());
  const bounded = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  return {
    record(entry) {
      const row = {
        at: new Date(now()).toISOString(),
        user: bounded(entry.user, 64),
        address: bounded(entry.address, 64),
        action: bounded(entry.action, 80),
        target: bounded(entry.target, 300),
        result: entry.result,
        detail: bounded(entry.detail ?? "", 500),
      };
      const { lastInsertRowid } = db
        .prepare("INSERT INTO audit_log (at, user, address, action, target, result, detail) VALUES (@at, @user, @address, @action, @target, @result, @detail)")
        .run(row);
      return { id: Number(lastInsertRowid), ...row };
    },
    list(filter = {}) {
      const f = auditFilterSchema.parse(filter);
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: f.limit };
      if (f.user) {
        where.push("user = @user COLLATE NOCASE");
        params.user = f.user;
      }
      if (f.action) {
        where.push("(action = @action OR action LIKE @family ESCAPE '\\')");
        params.action = f.action;
        params.family = `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
      }
      if (f.result) {
        where.push("result = @result");
        params.result = f.result;
      }
      if (f.since) {
        where.push("at >= @since");
        params.since = new Date(f.since).toISOString();
      }
      if (f.until) {
        where.push("at <= @until");
        params.until = new Date(f.until).toISOString();
      }
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
      return db.prepare<[Record<string, string | number>], AuditEntry>(sql).all(params);
    },
  };
}
