"use client";

import type { QualityReport as Report } from "../../../../lib/quantize/quality-report";

const sci = (x: number) => (x === 0 ? "0" : x.toExponential(2));
const db = (x: number | null) => (x === null ? "exact" : `${x.toFixed(1)} dB`);

/** Bars on one scale for all rows: SNR from 0 to the best layer type (at least 40 dB). */
function scaleOf(report: Report): number {
  return Math.max(40, ...report.layerTypes.map((l) => l.snrDb ?? 0));
}

function barColor(snr: number | null): string {
  if (snr === null || snr >= 30) return "bg-emerald-600";
  if (snr >= 18) return "bg-amber-500";
  return "bg-red-600";
}

/**
 * The quantization quality report: per layer type the SNR of the dequantized
 * weights against the source as a bar, with RMSE and max abs error; the
 * per-tensor figures below, folded.
 */
export function QualityReport({ report }: { report: Report }) {
  const max = scaleOf(report);
  return (
    <div className="space-y-3" data-testid="quality-report">
      <p className="text-sm text-stone-600">
        Error of the dequantized weights (what mx.dequantize gives back) against the source, over {report.overall.tensors} quantized tensors:
        <span className="ml-1 font-medium text-stone-900" data-testid="quality-overall">
          SNR {db(report.overall.snrDb)}, RMSE {sci(report.overall.rmse)}, max |err| {sci(report.overall.maxAbsError)}
        </span>
      </p>
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-stone-500">
            <th className="py-1 pr-3 font-medium">Layer type</th>
            <th className="py-1 pr-3 font-medium">Bits</th>
            <th className="py-1 pr-3 font-medium">Tensors</th>
            <th className="w-2/5 py-1 pr-3 font-medium">SNR</th>
            <th className="py-1 pr-3 text-right font-medium">RMSE</th>
            <th className="py-1 text-right font-medium">Max |err|</th>
          </tr>
        </thead>
        <tbody>
          {report.layerTypes.map((l) => (
            <tr key={l.layerType} className="border-t border-stone-100" data-layer-type={l.layerType}>
              <td className="py-1.5 pr-3 font-mono text-xs">{l.layerType}</td>
              <td className="py-1.5 pr-3">{l.bits.join("/")}</td>
              <td className="py-1.5 pr-3">{l.tensors}</td>
              <td className="py-1.5 pr-3">
                <div className="flex items-center gap-2">
                  <div className="h-2.5 flex-1 overflow-hidden rounded-full bg-stone-100">
                    <div className={`h-full ${barColor(l.snrDb)}`} style={{ width: `${Math.round(((l.snrDb ?? max) / max) * 100)}%` }} />
                  </div>
                  <span className="w-16 text-right tabular-nums">{db(l.snrDb)}</span>
                </div>
              </td>
              <td className="py-1.5 pr-3 text-right tabular-nums">{sci(l.rmse)}</td>
              <td className="py-1.5 text-right tabular-nums">{sci(l.maxAbsError)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="text-sm">
        <summary className="cursor-pointer text-stone-600">Every tensor ({report.tensors.length})</summary>
        <table className="mt-2 w-full text-xs">
          <tbody>
            {report.tensors.map((t) => (
              <tr key={t.module} className="border-t border-stone-100">
                <td className="py-1 pr-3 font-mono">{t.module}</td>
                <td className="py-1 pr-3">{t.bits}-bit g{t.groupSize}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{db(t.snrDb)}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{sci(t.rmse)}</td>
                <td className="py-1 text-right tabular-nums">{sci(t.maxAbsError)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
