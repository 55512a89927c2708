import { auditFilterSchema } from "../../lib/auth/audit-log";
import { openAccountStores } from "../account-stores";
import { UsageError, type Command } from "../command";

export const auditCommand: Command = {
  name: "audit",
  summary: "Show the audit log: sign-ins and every change, who, when, from where, and the result",
  usage: "whet audit [--user NAME] [--action ACTION] [--result ok|denied|failed] [--since ISO] [--until ISO] [--limit 200]",
  options: { user: { type: "string" }, action: { type: "string" }, result: { type: "string" }, since: { type: "string" }, until: { type: "string" }, limit: { type: "string" } },
  async run(_positionals, values, ctx) {
    const filter = auditFilterSchema.safeParse({ ...values, json: undefined, limit: values.limit === undefined ? undefined : Number(values.limit) });
    if (!filter.success) throw new UsageError(`--${String(filter.error.issues[0]?.path[0])}: ${filter.error.issues[0]?.message}`);
    const stores = openAccountStores(ctx.config);
    try {
      const entries = stores.audit.list(filter.data);
      const human = entries.length
        ? entries.map((e) => `${e.at}  ${e.user.padEnd(16)} ${e.address.padEnd(15)} ${e.action.padEnd(18)} ${e.result.padEnd(6)} ${e.target}${e.detail ? ` — ${e.detail}` : ""}`).join("\n")
        : "Nothing in the audit log matches.";
      return { ok: true, data: { entries }, human };
    } finally {
      stores.close();
    }
  },
  remote: {
    refuse: "accounts, tokens and the audit log are managed on the machine itself, and API tokens cannot manage them",
    hint: "Sign in to that Whetstone in a browser (Account, Users and Audit pages), or run this command on its machine.",
  },
};
