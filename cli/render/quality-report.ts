import type { QualityReport } from "../../lib/quantize/quality-report";

const sci = (x: number) => (x === 0 ? "0" : x.toExponential(2));
const db = (x: number | null) => (x === null ? "exact" : x.toFixed(1));

/** The quality report as a table: one row per layer type, then all quantized tensors together. */
export function renderQualityReport(report: QualityReport): string[] {
  const rows = report.layerTypes.map((l) => [l.layerType, l.bits.join("/"), String(l.tensors), sci(l.rmse), sci(l.maxAbsError), db(l.snrDb)]);
  rows.push(["all", "", String(report.overall.tensors), sci(report.overall.rmse), sci(report.overall.maxAbsError), db(report.overall.snrDb)]);
  const head = ["layer type", "bits", "tensors", "RMSE", "max |err|", "SNR dB"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ")}`;
  return ["Quality (dequantized weights against the source):", line(head), ...rows.map(line)];
}
