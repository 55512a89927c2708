import { formatCount } from "../../lib/format/format-count";
import { hubAccessFrom } from "../../lib/hub/hub-access";
import { searchModels } from "../../lib/hub/search-models";
import { UsageError, type Command, type CommandOutcome } from "../command";

type HubModel = Awaited<ReturnType<typeof searchModels>>[number];

function shown(count: number | null): string {
  return count === null ? "—" : formatCount(count);
}

function found(models: HubModel[]): CommandOutcome {
  const human = models.length
    ? models.map((m) => `${m.id.padEnd(48)} ↓${shown(m.downloads).padStart(6)}  ♥${shown(m.likes).padStart(6)}  ${m.pipelineTag ?? ""}`).join("\n")
    : "No models found.";
  return { ok: true, data: { models, count: models.length }, human };
}

export const searchCommand: Command = {
  name: "search",
  summary: "Search Hub model repositories by name",
  usage: "whet search [QUERY] [--author ORG] [--mlx] [--limit N] [--json]",
  options: { author: { type: "string" }, mlx: { type: "boolean" }, limit: { type: "string" } },
  async run(positionals, values, { config }) {
    const limit = typeof values.limit === "string" ? Number.parseInt(values.limit, 10) : 20;
    const models = await searchModels({
      ...hubAccessFrom(config),
      ...(positionals[0] ? { query: positionals[0] } : {}),
      ...(typeof values.author === "string" ? { author: values.author } : {}),
      ...(values.mlx ? { tags: ["mlx"] } : {}),
      limit: Number.isFinite(limit) && limit > 0 ? limit : 20,
    });
    return found(models);
  },
  /** The remote's Hub (its HF_ENDPOINT, your Hub token there), as its Hub page searches it. */
  async remote(positionals, values, { client }) {
    if (typeof values.author === "string") throw new UsageError("--author is for searches from this machine; put the organisation in QUERY instead");
    const limit = typeof values.limit === "string" ? Number.parseInt(values.limit, 10) : 20;
    const { models } = await client.hub.search.query({ query: positionals[0] ?? "", mlxOnly: values.mlx === true, limit: Number.isFinite(limit) && limit > 0 ? Math.min(limit, 100) : 20 });
    return found(models);
  },
};
