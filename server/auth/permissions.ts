import type { Role, Scope } from "../../lib/auth/roles";

/**
 * What each procedure, route and page needs: the lowest role, and the scope
 * an API token must carry ("none": no token at all, a signed-in browser
 * only). This table is the one place access is decided; the procedure types
 * and the route wrapper read it, and anything missing from it is refused.
 *
 * - viewer: browse models and health, search the Hub, chat (their own conversations).
 * - member: also start, cancel, pause and resume jobs (clone, pull, push, convert,
 *   quantize, repair, load checks), and change what they own.
 * - admin: everything, including accounts, everyone's tokens and the audit log.
 */
export interface Rule {
  role: Role;
  scope: Scope | "none";
  /** Counted against the user's chat requests per minute. */
  quota?: "chat";
  /**
   * A state-changing call is written to the audit log as `action` on a
   * target read from its input; false for private, high-volume chat steps.
   */
  audit?: false | string | ((input: Record<string, unknown>) => { action: string; target: string });
  /**
   * A stricter rule for some inputs of the procedure (a job kind that is
   * admin-only): checked after this one, by the same middleware.
   */
  stricterFor?: (input: Record<string, unknown>) => Rule | null;
}

export type RouteRule = Rule | { role: "public" } | { role: "procedures" };

const read: Rule = { role: "viewer", scope: "read" };
const chat: Rule = { role: "viewer", scope: "chat" };
const write: Rule = { role: "member", scope: "write" };
export const ADMIN_RULE: Rule = { role: "admin", scope: "admin" };
const admin = ADMIN_RULE;
const ownAccount: Rule = { role: "viewer", scope: "none" };

const job = (input: Record<string, unknown>) => ({ action: String(input.kind ?? "job"), target: targetOf(input) });

/** Job kinds a member may not start: fetching a group's shards fills every host's cache, and distributed runners are admin-only. */
const ADMIN_JOB_KINDS: ReadonlySet<unknown> = new Set(["fetch-shards"]);

/** Every tRPC procedure, by path. */
export const PROCEDURES: Record<string, Rule> = {
  "system.doctor": read,
  "system.info": read,
  "hub.search": read,
  "hub.model": read,
  "hub.whoami": read,
  "models.matrix": read,
  "models.list": read,
  "models.get": read,
  "models.rename": { ...write, audit: (input) => ({ action: "workspace.rename", target: `${targetOf(input)} → ${String(input.to)}` }) },
  "models.remove": { ...write, audit: "workspace.delete" },
  "operations.start": { ...write, audit: job, stricterFor: (input) => (ADMIN_JOB_KINDS.has(input.kind) ? admin : null) },
  "operations.list": read,
  "operations.get": read,
  "operations.watch": read,
  "operations.cancel": { ...write, audit: "job.cancel" },
  "operations.pause": { ...write, audit: "job.pause" },
  "operations.resume": { ...write, audit: "job.resume" },
  "operations.cleanPartials": { ...write, audit: "downloads.clean-partials" },
  "repair.diagnose": read,
  "convert.estimate": read,
  "convert.quality": read,
  "chat.models": read,
  "chat.runners": read,
  "chat.conversations": chat,
  "chat.conversation": chat,
  "chat.create": { ...chat, audit: false },
  "chat.update": { ...chat, audit: false },
  "chat.remove": { ...chat, audit: "chat.remove" },
  "chat.send": { ...chat, audit: false },
  "chat.promptSize": { ...chat, audit: false },
  "chat.dropLastReply": { ...chat, audit: false },
  "chat.warm": { ...chat, audit: "runner.start" },
  "chat.stop": { ...chat, audit: false },
  "chat.reply": { ...chat, quota: "chat" },
  "account.me": read,
  "account.changePassword": { ...ownAccount, audit: "account.password" },
  "account.tokens": ownAccount,
  "account.createToken": { ...ownAccount, audit: "token.create" },
  "account.revokeToken": { ...ownAccount, audit: "token.revoke" },
  "account.hubToken": ownAccount,
  "account.setHubToken": { ...ownAccount, audit: "account.hub-token" },
  "account.clearHubToken": { ...ownAccount, audit: "account.hub-token-clear" },
  "admin.users": admin,
  "admin.addUser": { ...admin, audit: "user.add" },
  "admin.setRole": { ...admin, audit: (input) => ({ action: "user.role", target: `${targetOf(input)} → ${String(input.role)}` }) },
  "admin.resetPassword": { ...admin, audit: "user.password" },
  "admin.removeUser": { ...admin, audit: "user.remove" },
  "admin.tokens": admin,
  "admin.revokeToken": { ...admin, audit: "token.revoke" },
  "admin.audit": admin,
  // Distributed runners hold several processes (or machines): only admins place, start and stop them.
  "cluster.overview": read,
  "cluster.saveHostfile": { ...admin, audit: "cluster.hostfile" },
  "cluster.clearHostfile": { ...admin, audit: "cluster.hostfile-clear" },
  "cluster.checkHosts": admin,
  "cluster.start": { ...admin, audit: (input) => ({ action: "runner.start", target: targetOf(input) }) },
  "cluster.stop": { ...admin, audit: (input) => ({ action: "runner.stop", target: targetOf(input) }) },
};

/**
 * Every plain route (`app/**\/route.ts`, and `whet serve`'s own), by
 * `METHOD /path` with the file's dynamic segments. "public" routes are the
 * ones signing in needs; "procedures" needs an account and hands each tRPC
 * call to its procedure's rule.
 */
export const ROUTES: Record<string, RouteRule> = {
  "GET /api/health": read,
  "GET /api/trpc/[trpc]": { role: "procedures" },
  "POST /api/trpc/[trpc]": { role: "procedures" },
  "GET /v1/models": read,
  "POST /v1/chat/completions": { ...chat, quota: "chat" },
  "POST /v1/completions": { ...chat, quota: "chat" },
  "GET /api/auth/status": { role: "public" },
  "POST /api/auth/login": { role: "public" },
  "POST /api/auth/logout": { role: "public" },
  "POST /api/auth/setup": { role: "public" },
  "GET /health": read,
};

/** Every page (`app/**\/page.tsx`), by path. Pages hold no data (it comes through tRPC); this decides where the browser is sent. */
export const PAGES: Record<string, Role | "public"> = {
  "/": "viewer",
  "/hub": "viewer",
  "/hub/[org]/[name]": "viewer",
  "/chat": "viewer",
  "/matrix": "viewer",
  "/downloads": "viewer",
  "/jobs": "viewer",
  "/doctor": "viewer",
  "/workspaces/[name]": "viewer",
  "/repair": "viewer",
  "/repair/diagnose": "viewer",
  "/repair/plan": "viewer",
  "/repair/run": "viewer",
  "/repair/verify": "viewer",
  "/repair/next": "viewer",
  "/account": "viewer",
  "/admin/users": "admin",
  "/cluster": "admin",
  "/admin/audit": "admin",
  "/sign-in": "public",
  "/setup": "public",
};

/** What an audit entry names as the target: the first identifying field of the input. */
export function targetOf(input: Record<string, unknown>): string {
  for (const key of ["name", "repo", "spec", "source", "id", "conversationId", "model", "replyId"]) {
    const value = input[key];
    if (typeof value === "string" && value) return value;
  }
  return "";
}
