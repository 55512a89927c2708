import { formatCount } from "../format/format-count";
import type { GgufSummary } from "./read-gguf-header";

/** A GGUF summary as label and value pairs, in the order `whet show` and the model page list them. */
export function ggufFacts(summary: GgufSummary): [string, string][] {
  const types = Object.entries(summary.tensorTypes)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${type} ${n}`)
    .join(", ");
  return [
    ["Architecture", summary.architecture ?? "not named (no general.architecture)"],
    ...(summary.name ? [["Name", summary.name] as [string, string]] : []),
    ["Parameters", formatCount(summary.parameterCount)],
    ["Quantization", summary.quantization ?? "unknown"],
    ...(summary.contextLength !== null ? [["Context length", String(summary.contextLength)] as [string, string]] : []),
    ["Tensors", `${summary.tensorCount}${types ? ` (${types})` : ""}`],
    ["GGUF", `version ${summary.version}, ${summary.metadataKeyCount} metadata keys`],
  ];
}
