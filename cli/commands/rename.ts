import { renameWorkspace } from "../../lib/workspace/rename-workspace";
import { UsageError, type Command } from "../command";

export const renameCommand: Command = {
  name: "rename",
  summary: "Rename a workspace (atomic; never over an existing one; workspaces made from it keep their lineage)",
  usage: "whet rename WORKSPACE NEW_NAME [--json]",
  options: {},
  async run(positionals, _values, { config }) {
    const [from, to] = positionals;
    if (!from || !to) throw new UsageError("rename needs WORKSPACE and NEW_NAME");
    const result = await renameWorkspace(from, to, { workspaceRoot: config.workspaceRoot, hubCache: config.hubCache });
    const one = result.relinked.length === 1;
    const relinked = result.relinked.length ? ` (${result.relinked.join(", ")} now ${one ? "records it as its" : "record it as their"} source)` : "";
    return { ok: true, data: { from: result.from, to: result.to, path: result.path, relinked: result.relinked }, human: `rename: ${result.from} → ${result.to}${relinked}` };
  },
};
