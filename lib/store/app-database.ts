import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export type AppDatabase = Database.Database;

/**
 * The app's one SQLite store (`whetstone.sqlite` in the data folder): jobs,
 * conversations, and later users, tokens and the audit log. Each module
 * creates its own tables on open.
 */
export function openAppDatabase(dataDir: string): AppDatabase {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, "whetstone.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  // The app and a CLI command may write at the same moment; wait instead of failing.
  db.pragma("busy_timeout = 5000");
  return db;
}
