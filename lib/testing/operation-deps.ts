import { dirname } from "node:path";
import { loadConfig } from "../config";
import type { OperationDeps } from "../operations/operation";

/** Deps for running an operation in a test: a config pointing at a temp cache and a local Hub, the real fetch and clock. */
export function operationDeps(options: { hubUrl: string; hubCache: string; token?: string; signal?: AbortSignal; workspaceRoot?: string }): OperationDeps {
  const config = loadConfig({
    HOME: options.hubCache,
    HF_HOME: dirname(options.hubCache),
    HF_HUB_CACHE: options.hubCache,
    HF_ENDPOINT: options.hubUrl,
    ...(options.token ? { HF_TOKEN: options.token } : {}),
    ...(options.workspaceRoot ? { WHET_WORKSPACES: options.workspaceRoot } : {}),
    ...(process.env.WHET_PYTHON ? { WHET_PYTHON: process.env.WHET_PYTHON } : {}),
  });
  return { config, fetch, signal: options.signal ?? new AbortController().signal, now: () => performance.now() };
}
