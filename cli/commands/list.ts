import { listModels } from "../../lib/models/list-models";
import type { ModelObject } from "../../lib/models/describe-model";
import type { Command, CommandOutcome } from "../command";
import { formatBytes } from "../../lib/format/format-bytes";

export const listCommand: Command = {
  name: "list",
  summary: "List workspaces and cached models with their health",
  usage: "whet list [PATTERN] [--all] [--json]",
  options: { all: { type: "boolean" }, health: { type: "boolean" }, verbose: { type: "boolean" } },
  async run(positionals, values, { config }) {
    const described = await listModels({ hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, positionals[0]);
    return listed(described.map((d) => d.model), values);
  },
  async remote(positionals, values, { client }) {
    const rows = await client.models.list.query(positionals[0] ? { pattern: positionals[0] } : undefined);
    return listed(rows.map((r) => r.model), values);
  },
};

/** The table (and the envelope) of `whet list`, for models listed here or on a remote Whetstone. */
function listed(models: ModelObject[], values: Record<string, string | boolean | undefined>): CommandOutcome {
  const shown = values.all ? models : models.filter((m) => m.health === "healthy" && m.runtime_compatible);
  const rows = shown.map((m) => [
    m.cached ? m.name.replace(/^mlx-community\//, "") : (m.display_name ?? m.name),
    m.hash?.slice(0, 7) ?? "-",
    formatBytes(m.size_bytes),
    m.cached ? "cache" : "ws",
    m.health,
    m.model_type,
  ]);
  const header = ["Name", "Hash", "Size", "Src", "Health", "Type"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ").trimEnd();
  const hidden = models.length - shown.length;
  const human = [
    line(header),
    ...rows.map(line),
    ...(hidden > 0 ? [`(${hidden} unhealthy or not runnable model(s) hidden; --all shows them)`] : []),
  ].join("\n");
  return { ok: true, data: { models, count: models.length }, human };
}
