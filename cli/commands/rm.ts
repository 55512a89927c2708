import { formatBytes } from "../../lib/format/format-bytes";
import { removeModel } from "../../lib/models/remove-model";
import { UsageError, type Command } from "../command";

export const rmCommand: Command = {
  name: "rm",
  summary: "Delete a cached model, one cached revision (@rev), or a managed workspace",
  usage: "whet rm MODEL[@REV] [--force] [--json]",
  options: { force: { type: "boolean", short: "f" } },
  async run(positionals, values, { config }) {
    const spec = positionals[0];
    if (!spec) throw new UsageError("rm needs MODEL");
    const result = await removeModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { force: values.force === true, allowPaths: true });
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
};
