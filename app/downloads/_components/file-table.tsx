"use client";

import { useRef } from "react";
import type { DownloadProgress } from "../../../lib/download/download-progress";
import { formatBytes, formatSeconds } from "../../_components/format";

type FileRow = DownloadProgress["files"][number];

const STATE_TEXT: Record<FileRow["state"], string> = {
  queued: "waiting",
  downloading: "downloading",
  verifying: "verifying",
  done: "done",
  failed: "failed",
};

/** Each file of a download: state, percent, bytes, and its own speed and ETA (measured between two updates). */
export function FileTable({ progress, active }: { progress: DownloadProgress; active: boolean }) {
  const last = useRef(new Map<string, { done: number; at: number; rate: number | null }>());
  const now = Date.now();
  const rows = progress.files.map((file) => {
    const before = last.current.get(file.path);
    let rate = before?.rate ?? null;
    if (before && now - before.at >= 500) {
      rate = file.done > before.done ? ((file.done - before.done) * 1000) / (now - before.at) : file.state === "downloading" ? 0 : null;
      last.current.set(file.path, { done: file.done, at: now, rate });
    } else if (!before) last.current.set(file.path, { done: file.done, at: now, rate: null });
    return { file, rate: active && file.state === "downloading" ? rate : null };
  });
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="download-files">
        <thead className="text-stone-500">
          <tr>
            <th className="py-1 pr-3 font-medium">File</th>
            <th className="py-1 pr-3 font-medium">State</th>
            <th className="py-1 pr-3 text-right font-medium">Done</th>
            <th className="py-1 pr-3 text-right font-medium">Bytes</th>
            <th className="py-1 pr-3 text-right font-medium">Speed</th>
            <th className="py-1 text-right font-medium">ETA</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {rows.map(({ file, rate }) => {
            const percent = file.size > 0 ? Math.floor((file.done / file.size) * 100) : file.state === "done" ? 100 : 0;
            return (
              <tr key={file.path} data-file={file.path} data-state={file.state}>
                <td className="max-w-[10rem] truncate py-1 pr-3 font-mono sm:max-w-xs" title={file.path}>
                  {file.path}
                </td>
                <td className={`py-1 pr-3 ${file.state === "failed" ? "text-red-700" : "text-stone-600"}`}>
                  {STATE_TEXT[file.state]}
                  {file.error ? `: ${file.error}` : ""}
                </td>
                <td className="py-1 pr-3 text-right tabular-nums">{percent}%</td>
                <td className="py-1 pr-3 text-right tabular-nums">
                  {formatBytes(file.done)} / {formatBytes(file.size)}
                </td>
                <td className="py-1 pr-3 text-right tabular-nums">{rate ? `${formatBytes(rate)}/s` : "—"}</td>
                <td className="py-1 text-right tabular-nums">{rate ? formatSeconds((file.size - file.done) / rate) : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
