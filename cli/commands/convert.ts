import { stat } from "node:fs/promises";
import { resolveModel } from "../../lib/models/resolve-model";
import { UsageError, type Command } from "../command";
import type { ConvertMode } from "../convert/convert-mode";
import { repairMode } from "../convert/repair-mode";
import { weightConvertMode } from "../convert/weight-mode";
import { workspacePath } from "../paths";

const MODES = ["repair-index", "quantize", "dequantize", "dtype", "repair-weights", "repair-config", "add-preprocessor-config", "repair-all"] as const;
type ModeName = (typeof MODES)[number];

const HANDLERS: Record<ModeName, ConvertMode> = {
  "repair-index": repairMode("repair-index"),
  "repair-weights": repairMode("repair-weights"),
  "repair-config": repairMode("repair-config"),
  "add-preprocessor-config": repairMode("add-preprocessor-config"),
  "repair-all": repairMode("repair-all"),
  quantize: weightConvertMode("quantize"),
  dequantize: weightConvertMode("dequantize"),
  dtype: weightConvertMode("dtype"),
};

/** Which mode the flags ask for: `--dtype` alone is a mode, with another mode it is an option. */
function chosenMode(values: Record<string, string | boolean | undefined>): ModeName {
  const modes = MODES.filter((m) => m !== "dtype" && (values[m] !== undefined || (m === "quantize" && values["q-bits"] !== undefined)));
  if (modes.length > 1) throw new UsageError(`Choose one mode; got ${modes.map((m) => `--${m}`).join(" and ")}`);
  if (modes[0]) return modes[0];
  if (values.dtype !== undefined) return "dtype";
  throw new UsageError("Must specify a conversion mode (--repair-index, --quantize N, --dequantize, --dtype T, ...)");
}

export const convertCommand: Command = {
  name: "convert",
  summary: "Transform a workspace into a new workspace (repair, quantize, dtype)",
  usage:
    "whet convert SOURCE TARGET --repair-index|--repair-weights|--repair-config|--add-preprocessor-config|--repair-all | --quantize {2,3,4,5,6,8} [--q-group-size {32,64,128}] [--mixed-recipe mixed_2_6|mixed_3_4|mixed_3_6|mixed_4_6] [--dtype T] | --dequantize [--dtype T] | --dtype float16|bfloat16|float32  [--skip-health] [--json]",
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
  async run(positionals, values, ctx) {
    const { config } = ctx;
    const [sourceArg, targetArg] = positionals;
    if (!sourceArg || !targetArg) throw new UsageError("convert needs SOURCE and TARGET");
    const mode = chosenMode(values);
    const handler = HANDLERS[mode];
    // A folder that exists is the source as given; anything else is a model name (workspace or cache).
    const isFolder = (await stat(sourceArg).catch(() => null))?.isDirectory() === true;
    const source = isFolder ? sourceArg : (await resolveModel(sourceArg, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { allowPaths: true })).path;
    const target = workspacePath(targetArg, config.workspaceRoot);
    return handler({ source, target, values, config, skipHealth: values["skip-health"] === true, ctx });
  },
  remote: {
    refuse: "convert reads and writes folders on this machine",
    hint: "Convert or quantize a model there from its workspace page, or run `whet convert` on that machine.",
  },
};
