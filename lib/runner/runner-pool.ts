import { setTimeout as sleep } from "node:timers/promises";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import { walkSafeModelFolder } from "../fs/walk-model-folder";
import { createDistributedRunner } from "../distributed/distributed-runner";
import { checkPlan, type GroupPlan, type GroupRequest, type PlanCheckDeps } from "../distributed/plan-check";
import { resolveModel, type ResolvedModel } from "../models/resolve-model";
import { createModelRunner, type ModelRunner, type RunnerStatus } from "./model-runner";

export interface RunnerPoolOptions {
  config: Pick<WhetConfig, "python" | "projectRoot" | "hubCache" | "workspaceRoot">;
  idleMs?: number;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Models kept loaded at once; the least recently used idle one is stopped to make room. */
  maxRunners?: number;
  /**
   * How long a request for another model waits, when every loaded model is
   * answering, for one of them to finish; then it is refused. Memory stays
   * bounded by maxRunners however many models a team asks for.
   */
  roomWaitMs?: number;
  /** Whether specs may be paths (a CLI's own pool); the app's pool takes names only. */
  allowPaths?: boolean;
  /** What the distributed plan check may ask (tests give it a small machine). */
  planDeps?: PlanCheckDeps;
}

export interface RunnerPool {
  /**
   * The runner for a model spec (path, workspace, org/name, org/name@rev), created on first use.
   * With `group` the model is (re)placed on a distributed group, after the plan check (which throws
   * its refusal); the placement sticks, so later calls without `group` get the same group.
   */
  runnerFor(spec: string, options?: { group?: GroupRequest }): Promise<{ runner: ModelRunner; model: ResolvedModel; name: string }>;
  /** Stops one model's runner and forgets its placement; false when none was up. */
  stop(spec: string): Promise<boolean>;
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
  const { config, maxRunners = 2, roomWaitMs = 60_000 } = options;
  // Keyed by folder: `org/name` and `org/name@<its commit>` share one loaded model.
  const runners = new Map<string, { runner: ModelRunner; usedAt: number }>();
  // Models placed on a group, by folder: kept across idle stops, dropped by stop().
  const placements = new Map<string, GroupPlan>();

  async function resolve(spec: string) {
    const model = await resolveModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { allowPaths: options.allowPaths === true });
    return { model, name: runnerName(spec, model) };
  }

  /**
   * Stops idle runners until there is room for `path`'s, waiting (bounded)
   * while all are busy; never the one `path` needs (a concurrent call may
   * have made it meanwhile).
   */
  async function makeRoom(path: string, name: string) {
    const deadline = Date.now() + roomWaitMs;
    while (!runners.has(path) && runners.size >= maxRunners) {
      const idle = [...runners.entries()]
        .filter(([, r]) => !r.runner.status().busy && r.runner.status().queued === 0)
        .sort((a, b) => a[1].usedAt - b[1].usedAt)[0];
      if (!idle) {
        if (Date.now() >= deadline) {
          throw new WhetError(
            "runners_busy",
            `${name} cannot be loaded now: the ${maxRunners} models kept loaded are all answering other requests`,
            "Try again when one of those replies has finished.",
          );
        }
        await sleep(100);
        continue;
      }
      runners.delete(idle[0]);
      await idle[1].runner.stop();
    }
  }

  return {
    async runnerFor(spec, request = {}) {
      const { model, name } = await resolve(spec);
      if (request.group) {
        const plan = await checkPlan({ modelPath: model.path, name, request: request.group, config, ...(options.planDeps ? { deps: options.planDeps } : {}) });
        const current = runners.get(model.path);
        if (current) {
          runners.delete(model.path);
          await current.runner.stop();
        }
        placements.set(model.path, plan);
      }
      if (!runners.has(model.path)) {
        // mlx-lm would follow a link out of the folder or block on a FIFO: such a folder never reaches a runner.
        await walkSafeModelFolder(model.path);
        await makeRoom(model.path, name);
      }
      // Checked again after the await: a concurrent call for the same folder may have made it meanwhile.
      let entry = runners.get(model.path);
      if (!entry) {
        const plan = placements.get(model.path);
        const make = plan ? (o: Parameters<typeof createModelRunner>[0]) => createDistributedRunner({ ...o, plan }) : createModelRunner;
        const runner = make({
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
    async stop(spec) {
      const { model } = await resolve(spec);
      placements.delete(model.path);
      const entry = runners.get(model.path);
      if (!entry) return false;
      runners.delete(model.path);
      await entry.runner.stop();
      return true;
    },
    list() {
      return [...runners.values()].map((r) => r.runner.status());
    },
    async stopAll() {
      const all = [...runners.values()];
      runners.clear();
      placements.clear();
      await Promise.all(all.map((r) => r.runner.stop()));
    },
  };
}
