import { z } from "zod";

/** Who may do what: a viewer browses and chats, a member also changes models and runs jobs, an admin does everything. */
export const ROLES = ["viewer", "member", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { message: "Choose a role: admin, member or viewer" });

/** What an API token may be used for; a token never gets more than its user's role allows. */
export const SCOPES = ["read", "chat", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];
export const scopeSchema = z.enum(SCOPES, { message: "Choose scopes among read, chat, write and admin" });

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** The scopes a role can hand to its tokens (and that its browser sessions have). */
export function scopesForRole(role: Role): Scope[] {
  if (role === "admin") return [...SCOPES];
  if (role === "member") return ["read", "chat", "write"];
  return ["read", "chat"];
}

/** Account names: short, printable, usable in a URL and on a command line. */
export const userNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][\w.@-]{0,63}$/, "Use 1 to 64 letters, digits, '.', '_', '@' or '-' for the name, starting with a letter or digit");

export const passwordSchema = z
  .string()
  .min(10, "Use at least 10 characters for the password")
  .max(200, "Use at most 200 characters for the password");
