import { homedir } from "node:os";
import { z } from "zod";
import { freeBytes } from "../../lib/download/disk-space";
import { folderSize } from "../../lib/fs/folder-size";
import { checkModel } from "../../lib/health/check-model";
import { readableFindings } from "../../lib/health/readable-fix";
import { wizardSource } from "../../lib/repair/wizard-source";
import { planRepair } from "../../lib/repair/plan-repair";
import { freeWorkspaceName } from "../../lib/workspace/free-workspace-name";
import { router, viewerProcedure } from "../trpc/init";

const spec = z.string().min(1).max(500);

/** The repair wizard's questions: what is wrong with a model, and what repairing it would take. */
export const repairRouter = router({
  diagnose: viewerProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const model = await wizardSource(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const report = await checkModel(model.path, model.name);
    const short = model.name.split("/").pop() ?? model.name;
    const bytes = await folderSize(model.path);
    const free = await freeBytes(ctx.config.workspaceRoot);
    return {
      name: model.name,
      kind: model.kind,
      // What to do by hand reads as everywhere else: names, not absolute paths.
      plan: planRepair(readableFindings(report.findings, { path: model.path, kind: model.kind, name: model.name, workspaceRoot: ctx.config.workspaceRoot, home: homedir() })),
      bytes,
      /** A cache model is copied into a workspace first, so the plan needs room for two copies. */
      bytesNeeded: model.kind === "cache" ? 2 * bytes : bytes,
      bytesFree: Number.isFinite(free) ? free : null,
      proposedName: await freeWorkspaceName(ctx.config.workspaceRoot, `${short}-fixed`),
      copyName: model.kind === "cache" ? await freeWorkspaceName(ctx.config.workspaceRoot, short) : null,
    };
  }),
});
