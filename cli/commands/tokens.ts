import { scopesForRole, type Scope } from "../../lib/auth/roles";
import type { ApiToken } from "../../lib/auth/token-store";
import { WhetError } from "../../lib/errors";
import { openAccountStores } from "../account-stores";
import { UsageError, type Command } from "../command";

const USAGE = "whet tokens create NAME --user USER [--scopes read,chat,write,admin] | list [--user USER] | revoke ID";

const view = (t: ApiToken) => ({ id: t.id, user: t.userName, name: t.name, scopes: t.scopes, prefix: t.prefix, created_at: t.createdAt, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt });

export const tokensCommand: Command = {
  name: "tokens",
  summary: "Manage API tokens for team mode (create prints the token once), on this machine",
  usage: USAGE,
  options: { user: { type: "string" }, scopes: { type: "string" } },
  async run(positionals, values, ctx) {
    const [action, arg] = positionals;
    const stores = openAccountStores(ctx.config);
    const userNamed = (name: unknown) => {
      if (typeof name !== "string") throw new UsageError(`tokens ${action} needs --user USER`);
      const user = stores.users.get(name);
      if (!user) throw new WhetError("user_not_found", `No user named '${name}'`, "List the accounts with `whet users list`.");
      return user;
    };
    try {
      switch (action) {
        case "create": {
          if (!arg) throw new UsageError("tokens create needs NAME (what will use the token, such as laptop)");
          const user = userNamed(values.user);
          const scopes = String(values.scopes ?? "read,chat").split(",").map((s) => s.trim()).filter(Boolean) as Scope[];
          const beyond = scopes.filter((s) => !scopesForRole(user.role).includes(s));
          if (beyond.length) {
            throw new WhetError("invalid_input", `A ${user.role} cannot give a token the ${beyond.join(" or ")} scope`, `Choose among ${scopesForRole(user.role).join(", ")}, or change the role first with \`whet users role ${user.name} ROLE\`.`);
          }
          const { token, record } = stores.tokens.create({ userId: user.id, name: arg, scopes });
          stores.record("token.create", `${record.name} (${user.name}: ${record.scopes.join(",")})`);
          return {
            ok: true,
            data: { token, ...view(record) },
            human: [`Token '${record.name}' for ${user.name} (${record.scopes.join(", ")}):`, token, "Copy it now: it is shown this once. Send it as `Authorization: Bearer <token>`."].join("\n"),
          };
        }
        case "list": {
          const user = values.user === undefined ? null : userNamed(values.user);
          const tokens = stores.tokens.list(user ? { userId: user.id } : {}).map(view);
          const human = tokens.length
            ? tokens.map((t) => `${t.id.slice(0, 8)}  ${t.user.padEnd(16)} ${t.name.padEnd(20)} ${t.prefix.padEnd(12)} ${t.scopes.join(",").padEnd(22)} ${t.revoked_at ? `revoked ${t.revoked_at}` : `last used ${t.last_used_at ?? "never"}`}`).join("\n")
            : "No tokens yet. Create one with `whet tokens create NAME --user USER`.";
          return { ok: true, data: { tokens }, human };
        }
        case "revoke": {
          if (!arg) throw new UsageError("tokens revoke needs ID (see `whet tokens list`)");
          const matches = stores.tokens.list().filter((t) => t.id === arg || (arg.length >= 8 && t.id.startsWith(arg)));
          if (matches.length !== 1) {
            throw new WhetError("token_not_found", matches.length ? `'${arg}' matches ${matches.length} tokens` : `No token ${arg}`, "Give the token's id (its first 8 characters are enough), as `whet tokens list` shows it.");
          }
          const revoked = stores.tokens.revoke((matches[0] as ApiToken).id);
          stores.record("token.revoke", `${revoked.name} (${revoked.userName})`);
          return { ok: true, data: view(revoked), human: `Revoked '${revoked.name}' of ${revoked.userName}; it stopped working at once.` };
        }
        default:
          throw new UsageError(action ? `Unknown tokens action '${action}': ${USAGE}` : `tokens needs an action: ${USAGE}`);
      }
    } finally {
      stores.close();
    }
  },
  remote: {
    refuse: "accounts, tokens and the audit log are managed on the machine itself, and API tokens cannot manage them",
    hint: "Sign in to that Whetstone in a browser (Account, Users and Audit pages), or run this command on its machine.",
  },
};
