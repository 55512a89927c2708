import { stat } from "node:fs/promises";
import { repairIndex } from "../../lib/convert/repair-index";
import { WhetError } from "../../lib/errors";
import { resolveModel } from "../../lib/models/resolve-model";
import { UsageError, type Command } from "../command";
import { workspacePath } from "../paths";

const MODES = ["repair-index", "quantize", "dequantize", "repair-weights", "repair-config", "add-preprocessor-config", "repair-all"] as const;

export const convertCommand: Command = {
  name: "convert",
  summary: "Transform a workspace into a new workspace (repair, quantize, dtype)",
  usage: "whet convert SOURCE TARGET --repair-index [--skip-health] [--json]",
  options: {
    "repair-index": { type: "boolean" },
    quantize: { type: "string" },
    "q-bits": { type: "string" },
    "q-group-size": { type: "string" },
    "mixed-recipe": { type: "string" },
    dtype: { type: "string" },
    dequantize: { type: "boolean" },
    "repair-weights": { type: "boolean" },
    "repair-config": { type: "boolean" },
    "add-preprocessor-config": { type: "boolean" },
    "repair-all": { type: "boolean" },
    "skip-health": { type: "boolean" },
  },
  async run(positionals, values, { config, progress }) {
    const [sourceArg, targetArg] = positionals;
    if (!sourceArg || !targetArg) throw new UsageError("convert needs SOURCE and TARGET");
    const chosen = MODES.filter((m) => values[m] !== undefined || (m === "quantize" && values["q-bits"] !== undefined));
    if (chosen.length === 0) throw new UsageError("Must specify a conversion mode (--repair-index, --quantize N, ...)");
    if (chosen.length > 1) throw new UsageError(`Choose one mode; got ${chosen.map((m) => `--${m}`).join(" and ")}`);
    const mode = chosen[0] as (typeof MODES)[number];
    if (mode !== "repair-index") {
      throw new WhetError("not_implemented", `convert --${mode} is not implemented yet`, "Only --repair-index is available in this version.");
    }

    const roots = { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot };
    // A folder that exists is the source as given; anything else is a model name (workspace or cache).
    const isFolder = (await stat(sourceArg).catch(() => null))?.isDirectory() === true;
    const source = isFolder ? sourceArg : (await resolveModel(sourceArg, roots)).path;
    const target = workspacePath(targetArg, config.workspaceRoot);
    const skipHealth = values["skip-health"] === true;

    const result = await repairIndex({
      source,
      target,
      roots: { hubCache: config.hubCache, hfHome: config.hfHome },
      skipHealth,
      onProgress: (p) => progress(`${p.phase}${p.filesTotal ? ` ${p.filesDone}/${p.filesTotal}` : ""}`),
    });
    const health = result.health;
    const data = {
      source: result.source,
      target: result.target,
      mode: result.mode,
      health_check: !skipHealth,
      ...(health ? { health_status: health.healthy ? "healthy" : "unhealthy", health_reason: health.reason } : {}),
      message: "Index rebuilt successfully",
      ...(result.droppedFromIndex.length
        ? { warning: `The old index listed ${result.droppedFromIndex.length} tensor(s) no shard holds; they are not in the new index: ${result.droppedFromIndex.join(", ")}` }
        : {}),
      shards: result.shards,
      tensors: result.tensors,
      fixed: result.fixed,
      findings: health?.findings ?? [],
    };
    const lines = [
      `convert: ${result.source} → ${result.target}`,
      "Mode: repair-index",
      ...(data.warning ? [`⚠ ${data.warning}`] : []),
      `Index rebuilt successfully (${result.tensors} tensors in ${result.shards.length} shard${result.shards.length === 1 ? "" : "s"})`,
      ...(result.fixed.length ? [`Fixed: ${result.fixed.join(", ")}`] : []),
    ];
    if (health && !health.healthy) {
      const error = new WhetError(
        "HealthCheckFailed",
        `Output workspace failed health check: ${health.reason}`,
        `Run whet health ${result.target} for the details.`,
      );
      return { ok: false, error, data, human: [...lines, `✗ Health check: ${health.reason}`].join("\n") };
    }
    return { ok: true, data, human: [...lines, health ? "✓ Health check: passed" : "Health check skipped"].join("\n") };
  },
};
