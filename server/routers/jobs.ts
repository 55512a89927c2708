import { tracked } from "@trpc/server";
import { join } from "node:path";
import { z } from "zod";
import { repairModel } from "../../lib/convert/repair-model";
import { cloneRepo } from "../../lib/hub/clone-repo";
import { hubAccessFrom } from "../../lib/hub/hub-access";
import { verifyLoad } from "../../lib/mlx/verify-load";
import { resolveModel } from "../../lib/models/resolve-model";
import { cancelJob, getJob, listJobs, startJob, watchJob } from "../jobs/job-registry";
import { publicProcedure, router } from "../trpc/init";

/** A workspace folder name: the browser names workspaces, never arbitrary paths. */
const workspaceName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,127}$/, "Use letters, digits, '.', '_' and '-' (no slashes)");
const repoSpec = z.string().min(3).max(200);
const REPAIR_MODES = ["repair-index", "repair-weights", "repair-config", "add-preprocessor-config", "repair-all"] as const;

export const jobsRouter = router({
  list: publicProcedure.query(() => listJobs()),
  get: publicProcedure.input(z.object({ id: z.string() })).query(({ input }) => getJob(input.id)),
  cancel: publicProcedure.input(z.object({ id: z.string() })).mutation(({ input }) => cancelJob(input.id)),

  startClone: publicProcedure.input(z.object({ repo: repoSpec, name: workspaceName })).mutation(({ ctx, input }) => {
    const target = join(ctx.config.workspaceRoot, input.name);
    return startJob("clone", `clone:${target}`, `Clone ${input.repo} → ${input.name}`, async ({ signal, report }) => {
      const result = await cloneRepo({
        ...hubAccessFrom(ctx.config),
        spec: input.repo,
        target,
        roots: { hubCache: ctx.config.hubCache, hfHome: ctx.config.hfHome },
        signal,
        onProgress: (p) =>
          report({ phase: p.phase, done: p.bytesDone, total: p.bytesTotal, unit: "bytes", detail: `${p.filesDone}/${p.filesTotal} files` }),
      });
      return { workspace: input.name, commit: result.commit, healthy: result.health?.healthy ?? null, reason: result.health?.reason ?? null };
    });
  }),

  startRepair: publicProcedure
    .input(z.object({ source: z.string().min(1).max(500), name: workspaceName, mode: z.enum(REPAIR_MODES).default("repair-index") }))
    .mutation(async ({ ctx, input }) => {
    const source = await resolveModel(input.source, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const target = join(ctx.config.workspaceRoot, input.name);
    return startJob("repair", `convert:${target}`, `${input.mode} ${source.name} → ${input.name}`, async ({ signal, report }) => {
      const result = await repairModel({
        source: source.path,
        target,
        mode: input.mode,
        roots: { hubCache: ctx.config.hubCache, hfHome: ctx.config.hfHome },
        signal,
        onProgress: (p) => report({ phase: p.phase, done: p.filesDone, total: p.filesTotal, unit: "files" }),
      });
      return { workspace: input.name, fixed: result.fixed, changes: result.changes, healthy: result.health?.healthy ?? null, reason: result.health?.reason ?? null };
    });
    }),

  startVerify: publicProcedure.input(z.object({ spec: z.string().min(1).max(500) })).mutation(async ({ ctx, input }) => {
    const model = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    return startJob("verify-load", `verify:${model.path}`, `Load ${model.name} in mlx-lm`, async ({ signal, report }) => {
      report({ phase: "loading", done: 0, total: 1, unit: "steps" });
      const check = await verifyLoad(model.path, ctx.config, { signal });
      report({ phase: "done", done: 1, total: 1, unit: "steps" });
      return check;
    });
  }),

  /** Every state of a job until it ends; a reconnecting browser resumes after the last state it saw. */
  watch: publicProcedure
    .input(z.object({ id: z.string(), lastEventId: z.string().nullish() }))
    .subscription(async function* ({ input, signal }) {
      const after = input.lastEventId ? Number(input.lastEventId) : 0;
      for await (const snapshot of watchJob(input.id, Number.isFinite(after) ? after : 0, signal)) {
        yield tracked(String(snapshot.seq), snapshot);
      }
    }),
});
