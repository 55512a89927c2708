import { basename } from "node:path";
import { z } from "zod";
import { repairModel, type ConvertProgress, type RepairResult } from "../convert/repair-model";
import { defineOperation, type BaseProgress } from "./operation";
import { progressStream } from "./progress-stream";

export const REPAIR_MODES = ["repair-index", "repair-weights", "repair-config", "add-preprocessor-config", "repair-all"] as const;

export const repairInput = z.object({
  /** The model folder to repair (a workspace, a cache snapshot or a folder): only read. */
  source: z.string().min(1),
  /** The new workspace's folder (absolute). */
  target: z.string().min(1),
  mode: z.enum(REPAIR_MODES),
  /** How the source is shown (workspace name or org/name); its folder name otherwise. */
  sourceName: z.string().max(300).optional(),
  skipHealth: z.boolean().optional(),
});

export type RepairProgress = BaseProgress & { phase: ConvertProgress["phase"]; unit: "files" };

/** A repair mode of `convert` (--repair-index, --repair-all, ...): the source copied into a new workspace and fixed there. */
export const repairOperation = defineOperation({
  kind: "repair",
  queue: "conversions",
  input: repairInput,
  resumable: false,
  workspaceOf: (result: RepairResult) => result.target,
  title: (input) => `${input.mode} ${input.sourceName ?? basename(input.source)} → ${basename(input.target)}`,
  key: (input) => `workspace:${input.target}`,
  run: (input, deps) =>
    progressStream<RepairProgress, RepairResult>((report) =>
      repairModel({
        source: input.source,
        target: input.target,
        mode: input.mode,
        roots: { hubCache: deps.config.hubCache, hfHome: deps.config.hfHome },
        skipHealth: input.skipHealth ?? false,
        signal: deps.signal,
        onProgress: (p) => report({ phase: p.phase, done: p.filesDone, total: p.filesTotal, unit: "files" }),
      }),
    ),
});
