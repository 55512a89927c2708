import { resolve } from "node:path";
import { getConfig } from "../config";
import type { CacheRoots } from "../convert/prepare-target";
import { cloneOperation, type CloneResult } from "../operations/clone";
import { runToEnd } from "../operations/operation";
import type { HubAccess } from "./hub-access";

export interface CloneProgress {
  phase: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface CloneParams extends HubAccess {
  /** `org/name[@revision]` */
  spec: string;
  target: string;
  roots: CacheRoots;
  skipHealth?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: CloneProgress) => void;
}

/** The clone operation (lib/operations/clone.ts) with the callback shape the jobs router was written against. */
export async function cloneRepo(params: CloneParams): Promise<CloneResult> {
  const config = { ...getConfig(), endpoint: params.hubUrl, token: params.accessToken ?? null, hubCache: params.roots.hubCache, hfHome: params.roots.hfHome };
  const deps = { config, fetch: params.fetch ?? fetch, signal: params.signal ?? new AbortController().signal, now: () => performance.now() };
  const input = { repo: params.spec, target: resolve(params.target), ...(params.skipHealth ? { skipHealth: true } : {}) };
  return runToEnd(cloneOperation, input, deps, (p) =>
    params.onProgress?.({
      phase: p.phase,
      filesDone: p.files.filter((f) => f.state === "done").length,
      filesTotal: p.files.length,
      bytesDone: p.done,
      bytesTotal: p.total,
    }),
  );
}
