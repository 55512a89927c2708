import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { WhetError } from "../errors";
import type { AppDatabase } from "../store/app-database";
import { hashPassword, verifyNothing, verifyPassword } from "./password";
import { passwordSchema, roleSchema, userNameSchema, type Role } from "./roles";

export interface User {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface UserStore {
  add(input: { name: string; role: Role; password: string }): Promise<User>;
  get(name: string): User | null;
  getById(id: string): User | null;
  list(): User[];
  remove(name: string): User;
  setRole(name: string, role: Role): User;
  setPassword(name: string, password: string): Promise<User>;
  /** The user when the password is theirs; null otherwise, in the same time whether or not the name exists. */
  verify(name: string, password: string): Promise<User | null>;
  countAdmins(): number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

interface UserRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, name: row.name, role: row.role, createdAt: row.created_at, updatedAt: row.updated_at });

/** Parses one field, failing with the schema's sentence and the field's name (forms show it next to the field). */
export function parseField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new WhetError("invalid_input", result.error.issues[0]?.message ?? `Invalid ${field}`, `Correct the ${field} and try again.`, { field });
  return result.data;
}

function noSuchUser(name: string): WhetError {
  return new WhetError("user_not_found", `No user named '${name}'`, "List the accounts with `whet users list` or on the Users page.");
}

/** Accounts: a name, a role, and a scrypt password hash. */
export function openUserStore(db: AppDatabase, now: () => number = Date.now): UserStore {
  db.exec(SCHEMA);
  const byName = db.prepare<[string], UserRow>("SELECT * FROM users WHERE name = ?");
  const byId = db.prepare<[string], UserRow>("SELECT * FROM users WHERE id = ?");
  const stamp = () => new Date(now()).toISOString();

  function require(name: string): UserRow {
    const row = byName.get(name);
    if (!row) throw noSuchUser(name);
    return row;
  }
  function countAdmins(): number {
    return (db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }).n;
  }
  function keepAnAdmin(row: UserRow, what: string): void {
    if (row.role === "admin" && countAdmins() === 1) {
      throw new WhetError("last_admin", `${what} would leave Whetstone without an admin`, "Make another account an admin first.");
    }
  }

  return {
    async add(input) {
      const name = parseField(userNameSchema, input.name, "name");
      const role = parseField(roleSchema, input.role, "role");
      const password = parseField(passwordSchema, input.password, "password");
      if (byName.get(name)) throw new WhetError("user_exists", `There is already a user named '${name}'`, "Choose another name, or change that user's role or password instead.", { field: "name" });
      const hash = await hashPassword(password);
      const at = stamp();
      const id = randomUUID();
      db.prepare("INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").run(id, name, role, hash, at, at);
      return toUser(byId.get(id) as UserRow);
    },
    get(name) {
      const row = byName.get(name);
      return row ? toUser(row) : null;
    },
    getById(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },
    list() {
      return db.prepare<[], UserRow>("SELECT * FROM users ORDER BY name").all().map(toUser);
    },
    remove(name) {
      const row = require(name);
      keepAnAdmin(row, `Removing '${row.name}'`);
      // Sessions, tokens and the Hub token go with the account (foreign keys cascade).
      db.prepare("DELETE FROM users WHERE id = ?").run(row.id);
      return toUser(row);
    },
    setRole(name, role) {
      const row = require(name);
      const next = parseField(roleSchema, role, "role");
      if (next !== "admin") keepAnAdmin(row, `Making '${row.name}' a ${next}`);
      db.prepare("UPDATE users SET role = ?, updated_at = ? WHERE id = ?").run(next, stamp(), row.id);
      return toUser(byId.get(row.id) as UserRow);
    },
    async setPassword(name, password) {
      const row = require(name);
      const hash = await hashPassword(parseField(passwordSchema, password, "password"));
      db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").run(hash, stamp(), row.id);
      return toUser(byId.get(row.id) as UserRow);
    },
    async verify(name, password) {
      const row = typeof name === "string" && name.length <= 64 ? byName.get(name.trim()) : undefined;
      if (!row) return verifyNothing(password).then(() => null);
      return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
    },
    countAdmins,
  };
}
