import { z } from "zod";
import { describeModel } from "../../lib/models/describe-model";
import { listModels } from "../../lib/models/list-models";
import { resolveModel } from "../../lib/models/resolve-model";
import { publicProcedure, router } from "../trpc/init";

const spec = z.string().min(1).max(500);

export const modelsRouter = router({
  list: publicProcedure.query(async ({ ctx }) => {
    const described = await listModels({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    return described.map(({ model, report, kind, path }) => ({ model, kind, path, findings: report.findings }));
  }),
  get: publicProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const resolved = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const { model, report, config, path, kind } = await describeModel(resolved);
    return { model, report, config, path, kind, name: resolved.name };
  }),
});
