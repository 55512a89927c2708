import { formatBytes } from "../../lib/format/format-bytes";
import { removeModel } from "../../lib/models/remove-model";
import { UsageError, type Command } from "../command";

export const rmCommand: Command = {
  name: "rm",
  summary: "Delete a cached model, one cached revision (@rev), or a managed workspace",
  usage: "whet rm MODEL[@REV] [--workspace] [-y] [--force] [--json]",
  options: { force: { type: "boolean", short: "f" }, yes: { type: "boolean", short: "y" }, workspace: { type: "boolean" } },
  async run(positionals, values, { config, terminal, readLine }) {
    const spec = positionals[0];
    if (!spec) throw new UsageError("rm needs MODEL");
    // A person at a terminal confirms what is deleted; scripts (--json, no terminal) and -y do not.
    const ask = terminal && readLine && values.yes !== true && values.force !== true ? readLine : null;
    const result = await removeModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, {
      force: values.force === true,
      workspaces: values.workspace === true,
      allowPaths: true,
      ...(ask ? { confirm: async (what: string, bytes: number) => /^y(es)?$/i.test((await ask(`Delete ${what} (${formatBytes(bytes)})? [y/N]: `))?.trim() ?? "") } : {}),
    });
    const data = {
      model: result.model,
      action: result.action,
      message: result.message,
      requires_confirmation: result.action === "requires_confirmation",
      kind: result.kind,
      commits: result.commits,
      freed_bytes: result.freedBytes,
    };
    const freed = result.action === "deleted" && result.freedBytes > 0 ? ` (${formatBytes(result.freedBytes)} freed)` : "";
    return { ok: true, data, human: `rm: ${result.model} — ${result.action}: ${result.message}${freed}` };
  },
  remote: {
    refuse: "its API deletes no models or workspaces",
    hint: "Run `whet rm` on the machine where that Whetstone runs.",
  },
};
