import { rm } from "node:fs/promises";
import { basename, isAbsolute } from "node:path";
import { z } from "zod";
import { repairModel } from "../convert/repair-model";
import { checkModel } from "../health/check-model";
import { verifyLoad, type LoadCheck } from "../mlx/verify-load";
import { planRepair, plainFinding, type PlainFinding, type RepairPlan } from "../repair/plan-repair";
import { copyFromCache } from "../workspace/copy-from-cache";
import { defineOperation, type BaseProgress } from "./operation";
import { progressStream } from "./progress-stream";

const absolute = z.string().min(1).max(4096).refine(isAbsolute, "must be an absolute path");

export const fixModelInput = z.object({
  /** The broken model's folder: a workspace, a folder, or a cache snapshot (only read). */
  source: absolute,
  /** How the model is shown: workspace name or org/name. */
  sourceName: z.string().min(1).max(300),
  /** Set when the source is a cache snapshot: it is first copied into `copyTarget`, a workspace. */
  fromCache: z.object({ repoId: z.string().min(3).max(200), commit: z.string().regex(/^[0-9a-f]{40}$/), copyTarget: absolute }).optional(),
  /** The repaired workspace. */
  target: absolute,
  /** Load the result in mlx-lm and generate a few tokens (default on). */
  verify: z.boolean().optional(),
});

export type FixModelInput = z.infer<typeof fixModelInput>;

export const FIX_PHASES = ["diagnosing", "copying", "repairing", "verifying", "done"] as const;
export type FixProgress = BaseProgress & { phase: (typeof FIX_PHASES)[number]; unit: "steps" };

export interface FixModelResult {
  verdict: RepairPlan["verdict"];
  plan: RepairPlan;
  /** The workspace a cache model was copied into first, if any. */
  copiedTo: string | null;
  /** The repaired workspace; null when there was nothing to repair or nothing could be. */
  target: string | null;
  after: { healthy: boolean; reason: string; findings: PlainFinding[] } | null;
  /** What the repaired model generated in mlx-lm, as text. */
  verified: LoadCheck | null;
}

const VERIFY_PROMPT = "Say hello in one short sentence.";

/**
 * From "this model is broken" to "fixed and verified", as one operation:
 * diagnose, copy a cache model into a workspace first (the cache is never
 * modified), run every repair its findings call for into a new workspace,
 * check its health, load it in mlx-lm and generate a few tokens. A step that
 * fails removes what this run created; the source is only read.
 */
export const fixModelOperation = defineOperation({
  kind: "fix",
  queue: "conversions",
  input: fixModelInput,
  resumable: false,
  workspaceOf: (result: FixModelResult) => result.target,
  title: (input) => `Fix ${input.sourceName} → ${basename(input.target)}`,
  key: (input) => `workspace:${input.target}`,
  async *run(input, deps): AsyncGenerator<FixProgress, FixModelResult> {
    const total = 3 + (input.fromCache ? 1 : 0) + (input.verify === false ? 0 : 1);
    let done = 0;
    const step = (phase: FixProgress["phase"], detail?: string): FixProgress => ({ phase, done, total, unit: "steps", ...(detail ? { detail } : {}) });
    yield step("diagnosing");
    const plan = planRepair((await checkModel(input.source, input.sourceName)).findings);
    done++;
    if (plan.verdict !== "repairable") return { verdict: plan.verdict, plan, copiedTo: null, target: null, after: null, verified: null };

    const created: string[] = [];
    try {
      let from = input.source;
      if (input.fromCache) {
        yield step("copying", `${input.fromCache.repoId} into a workspace`);
        const { copyTarget } = input.fromCache;
        await copyFromCache({ snapshot: input.source, repoId: input.fromCache.repoId, commit: input.fromCache.commit, target: copyTarget, signal: deps.signal });
        created.push(copyTarget);
        from = copyTarget;
        done++;
      }
      yield step("repairing", plan.steps.map((s) => s.mode).join(", "));
      const repairing = progressStream<string, Awaited<ReturnType<typeof repairModel>>>((report) =>
        repairModel({
          source: from,
          target: input.target,
          mode: "repair-all",
          roots: { hubCache: deps.config.hubCache, hfHome: deps.config.hfHome },
          signal: deps.signal,
          onProgress: (p) => report(`${p.phase}${p.filesTotal ? ` ${p.filesDone}/${p.filesTotal} files` : ""}`),
        }),
      );
      let repaired: Awaited<ReturnType<typeof repairModel>>;
      for (;;) {
        const next = await repairing.next();
        if (next.done) {
          repaired = next.value;
          break;
        }
        yield step("repairing", next.value);
      }
      // A failed repair removes its own target; from here on a failure must remove it too.
      created.push(input.target);
      done += 2;
      const health = repaired.health ?? (await checkModel(input.target));
      const after = { healthy: health.healthy, reason: health.reason, findings: health.findings.map(plainFinding) };
      let verified: LoadCheck | null = null;
      if (input.verify !== false) {
        yield step("verifying", "loading the repaired model in mlx-lm");
        verified = await verifyLoad(input.target, deps.config, { signal: deps.signal, maxTokens: 16, prompt: VERIFY_PROMPT });
        done++;
      }
      yield step("done");
      return { verdict: plan.verdict, plan, copiedTo: input.fromCache?.copyTarget ?? null, target: input.target, after, verified };
    } catch (error) {
      // Nothing this run made stays behind looking like a result (a target that was there before is not ours to remove).
      for (const dir of created.reverse()) await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },
});
