import type { WhetConfig } from "../config";
import { resolveModel, type ResolvedModel } from "../models/resolve-model";
import { createModelRunner, type ModelRunner, type RunnerStatus } from "./model-runner";

export interface RunnerPoolOptions {
  config: Pick<WhetConfig, "python" | "projectRoot" | "hubCache" | "workspaceRoot">;
  idleMs?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Models kept loaded at once; the least recently used idle one is stopped to make room. */
  maxRunners?: number;
  /** Whether specs may be paths (a CLI's own pool); the app's pool takes names only. */
  allowPaths?: boolean;
}

export interface RunnerPool {
  /** The runner for a model spec (path, workspace, org/name, org/name@rev), created on first use. */
  runnerFor(spec: string): Promise<{ runner: ModelRunner; model: ResolvedModel; name: string }>;
  list(): RunnerStatus[];
  stopAll(): Promise<void>;
}

/** How a model is named in replies and lists: a workspace by its name, a cache model as org/name[@rev]. */
export function runnerName(spec: string, model: ResolvedModel): string {
  if (model.kind === "workspace") return model.name;
  const at = spec.lastIndexOf("@");
  return at === -1 ? model.repoId : `${model.repoId}@${spec.slice(at + 1)}`;
}

export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const { config, maxRunners = 2 } = options;
  // Keyed by folder: `org/name` and `org/name@<its commit>` share one loaded model.
  const runners = new Map<string, { runner: ModelRunner; usedAt: number }>();

  async function makeRoom() {
    while (runners.size >= maxRunners) {
      const idle = [...runners.entries()]
        .filter(([, r]) => !r.runner.status().busy && r.runner.status().queued === 0)
        .sort((a, b) => a[1].usedAt - b[1].usedAt)[0];
      if (!idle) return;
      runners.delete(idle[0]);
      await idle[1].runner.stop();
    }
  }

  return {
    async runnerFor(spec) {
      const model = await resolveModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { allowPaths: options.allowPaths === true });
      const name = runnerName(spec, model);
      if (!runners.has(model.path)) await makeRoom();
      // Checked again after the await: a concurrent call for the same folder may have made it meanwhile.
      let entry = runners.get(model.path);
      if (!entry) {
        const runner = createModelRunner({
          name,
          modelPath: model.path,
          config,
          ...(options.idleMs !== undefined ? { idleMs: options.idleMs } : {}),
          ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
          ...(options.pingTimeoutMs !== undefined ? { pingTimeoutMs: options.pingTimeoutMs } : {}),
          onIdleStop: () => {
            if (runners.get(model.path)?.runner === runner) runners.delete(model.path);
          },
        });
        entry = { runner, usedAt: Date.now() };
        runners.set(model.path, entry);
      }
      entry.usedAt = Date.now();
      return { runner: entry.runner, model, name };
    },
    list() {
      return [...runners.values()].map((r) => r.runner.status());
    },
    async stopAll() {
      const all = [...runners.values()];
      runners.clear();
      await Promise.all(all.map((r) => r.runner.stop()));
    },
  };
}
