import { z } from "zod";
import { defectMatrix } from "../../lib/health/defect-matrix";
import { describeModel } from "../../lib/models/describe-model";
import { listModels } from "../../lib/models/list-models";
import { resolveModel } from "../../lib/models/resolve-model";
import { readPublished } from "../../lib/push/read-published";
import { router, viewerProcedure } from "../trpc/init";

const spec = z.string().min(1).max(500);

export const modelsRouter = router({
  /** Every model against every defect found: the defect matrix page. */
  matrix: viewerProcedure.query(async ({ ctx }) => {
    const described = await listModels({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const matrix = defectMatrix(
      described.map(({ model, report, kind }) => ({
        // The spec other procedures take: a workspace's folder name, or the cache repo id.
        name: kind === "workspace" ? (model.display_name ?? model.name) : model.name,
        path: report.path,
        healthy: report.healthy,
        findings: report.findings,
      })),
    );
    const kinds = new Map(described.map(({ report, kind }) => [report.path, kind]));
    return { columns: matrix.columns, rows: matrix.rows.map((row) => ({ ...row, kind: kinds.get(row.path) ?? "workspace" })) };
  }),
  /** Every model, or those whose name contains `pattern` (as `whet list PATTERN`), each with its health. */
  list: viewerProcedure.input(z.object({ pattern: z.string().max(200).optional() }).optional()).query(async ({ ctx, input }) => {
    const described = await listModels({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot }, input?.pattern);
    return described.map(({ model, report, kind, path }) => ({ model, kind, path, findings: report.findings, healthy: report.healthy, reason: report.reason, managed: report.managed }));
  }),
  get: viewerProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const resolved = await resolveModel(input.spec, { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const { model, report, config, path, kind } = await describeModel(resolved);
    const published = kind === "workspace" ? await readPublished(path) : null;
    return { model, report, config, path, kind, name: resolved.name, published };
  }),
});
