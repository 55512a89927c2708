import { randomBytes } from "node:crypto";
import { roleSchema, ROLES } from "../../lib/auth/roles";
import type { User } from "../../lib/auth/user-store";
import { WhetError } from "../../lib/errors";
import { openAccountStores } from "../account-stores";
import { UsageError, type Command, type CommandContext } from "../command";

const USAGE = "whet users add NAME [--role viewer|member|admin] [--password-stdin] | list | remove NAME | passwd NAME [--password-stdin] | role NAME ROLE";

/** The password from standard input (one line), or a new random one to hand over. */
async function passwordFrom(values: Record<string, string | boolean | undefined>, ctx: CommandContext): Promise<{ password: string; generated: boolean }> {
  if (values["password-stdin"] !== true) return { password: randomBytes(18).toString("base64url"), generated: true };
  const line = await ctx.readInput?.();
  if (!line) throw new UsageError("--password-stdin read nothing: pipe the password in, e.g. `printf '%s\\n' \"$PASSWORD\" | whet users add NAME --password-stdin`");
  return { password: line, generated: false };
}

const view = (u: User) => ({ name: u.name, role: u.role, created_at: u.createdAt });

export const usersCommand: Command = {
  name: "users",
  summary: "Manage the accounts of team mode (add, list, remove, passwd, role), on this machine",
  usage: USAGE,
  options: { role: { type: "string" }, "password-stdin": { type: "boolean" } },
  async run(positionals, values, ctx) {
    const [action, name, role] = positionals;
    const needName = () => {
      if (!name) throw new UsageError(`users ${action} needs NAME`);
      return name;
    };
    const stores = openAccountStores(ctx.config);
    try {
      switch (action) {
        case "add": {
          const parsedRole = roleSchema.safeParse(values.role ?? "member");
          if (!parsedRole.success) throw new UsageError(`--role: ${parsedRole.error.issues[0]?.message}`);
          const { password, generated } = await passwordFrom(values, ctx);
          const user = await stores.users.add({ name: needName(), role: parsedRole.data, password });
          stores.record("user.add", `${user.name} (${user.role})`);
          const lines = [`Added ${user.name} (${user.role}).`, ...(generated ? [`Password for ${user.name}: ${password}`, "Hand it over privately; it is shown this once, and can be changed on the Account page."] : [])];
          return { ok: true, data: { user: view(user), ...(generated ? { password } : {}) }, human: lines.join("\n") };
        }
        case "list": {
          const tokens = stores.tokens.list();
          const users = stores.users.list().map((u) => ({ ...view(u), active_tokens: tokens.filter((t) => t.userId === u.id && !t.revokedAt).length }));
          const human = users.length ? users.map((u) => `${u.name.padEnd(24)} ${u.role.padEnd(7)} ${u.active_tokens} token(s)   since ${u.created_at}`).join("\n") : "No accounts yet. Add the first admin with `whet users add NAME --role admin`.";
          return { ok: true, data: { users }, human };
        }
        case "remove": {
          const user = stores.users.remove(needName());
          stores.record("user.remove", user.name);
          return { ok: true, data: { removed: view(user) }, human: `Removed ${user.name}; their sessions and tokens stopped working.` };
        }
        case "passwd": {
          const { password, generated } = await passwordFrom(values, ctx);
          const user = await stores.users.setPassword(needName(), password);
          stores.sessions.revokeAll(user.id);
          stores.record("user.password", user.name);
          return {
            ok: true,
            data: { user: view(user), ...(generated ? { password } : {}) },
            human: [`Password of ${user.name} changed; their browser sessions were signed out.`, ...(generated ? [`New password for ${user.name}: ${password}`] : [])].join("\n"),
          };
        }
        case "role": {
          const parsedRole = roleSchema.safeParse(role);
          if (!parsedRole.success) throw new UsageError(`users role needs NAME and ROLE (${ROLES.join(", ")})`);
          const user = stores.users.setRole(needName(), parsedRole.data);
          stores.record("user.role", `${user.name} → ${user.role}`);
          return { ok: true, data: { user: view(user) }, human: `${user.name} is now a ${user.role}.` };
        }
        default:
          throw new UsageError(action ? `Unknown users action '${action}': ${USAGE}` : `users needs an action: ${USAGE}`);
      }
    } catch (error) {
      if (error instanceof WhetError && name) stores.record(`user.${action}`, name, "failed");
      throw error;
    } finally {
      stores.close();
    }
  },
  remote: {
    refuse: "accounts, tokens and the audit log are managed on the machine itself, and API tokens cannot manage them",
    hint: "Sign in to that Whetstone in a browser (Account, Users and Audit pages), or run this command on its machine.",
  },
};
