import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { z } from "zod";
import type { WhetConfig } from "../../lib/config";
import { defectMatrix } from "../../lib/health/defect-matrix";
import { readableFindings, readableFix, type FixSubject } from "../../lib/health/readable-fix";
import { describeModel, type DescribedModel } from "../../lib/models/describe-model";
import { listModels } from "../../lib/models/list-models";
import { realPathLenient } from "../../lib/fs/path-inside";
import { modelParent, type ModelParent } from "../../lib/models/model-parent";
import { precisionLabel } from "../../lib/models/precision-label";
import { resolveModel, type ModelRoots } from "../../lib/models/resolve-model";
import { readPublished } from "../../lib/push/read-published";
import { workspaceNameSchema } from "../../lib/workspace/workspace-target";
import { memberProcedure, router, viewerProcedure } from "../trpc/init";

const spec = z.string().min(1).max(500);
/** An existing workspace may carry a name the app would not give a new one; the lib refuses paths. */
const existingName = z.string().min(1, "Name a workspace").max(128);

/** The name other procedures take: a workspace's folder name, or the cache repo id. */
function specOf({ kind, model }: Pick<DescribedModel, "kind" | "model">): string {
  return kind === "workspace" ? (model.display_name ?? model.name) : model.name;
}

function subjectOf(described: DescribedModel, config: WhetConfig): FixSubject {
  return { path: described.path, kind: described.kind, name: specOf(described), workspaceRoot: config.workspaceRoot, home: homedir() };
}

/** The architecture config.json names (`llama`), bounded: it is a stranger's text. */
function architectureOf(config: Record<string, unknown> | null): string | null {
  const type = config?.model_type;
  return typeof type === "string" && /^[\w.-]{1,64}$/.test(type) ? type : null;
}

/** The parent a sentinel's `source_path` names; convert records it with links resolved, so the real roots count too. */
async function parentOf(sourcePath: string | null, roots: ModelRoots): Promise<ModelParent | null> {
  const real = { workspaceRoot: await realPathLenient(roots.workspaceRoot), hubCache: await realPathLenient(roots.hubCache) };
  return modelParent(sourcePath, roots) ?? modelParent(sourcePath, real);
}

export const modelsRouter = router({
  /** Every model against every defect found: the defect matrix page. */
  matrix: viewerProcedure.query(async ({ ctx }) => {
    const described = await listModels({ hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot });
    const matrix = defectMatrix(
      described.map((d) => ({
        name: specOf(d),
        path: d.report.path,
        healthy: d.report.healthy,
        findings: d.report.findings.map((f) => ({ ...f, hint: readableFix(f.hint, subjectOf(d, ctx.config)) })),
      })),
    );
    const kinds = new Map(described.map(({ report, kind }) => [report.path, kind]));
    return { columns: matrix.columns, rows: matrix.rows.map((row) => ({ ...row, kind: kinds.get(row.path) ?? "workspace" })) };
  }),
  /** Every model, or those whose name contains `pattern` (as `whet list PATTERN`), each with its health, lineage and readable fixes. */
  list: viewerProcedure.input(z.object({ pattern: z.string().max(200).optional() }).optional()).query(async ({ ctx, input }) => {
    const roots = { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot };
    const described = await listModels(roots, input?.pattern);
    return Promise.all(described.map(async (d) => ({
      model: d.model,
      kind: d.kind,
      path: d.path,
      name: specOf(d),
      managed: d.report.managed,
      healthy: d.report.healthy,
      reason: d.report.reason,
      origin: d.model.origin,
      findings: readableFindings(d.report.findings, subjectOf(d, ctx.config)),
      parent: d.kind === "workspace" ? await parentOf(d.sourcePath, roots) : null,
      precision: precisionLabel(d.config),
      architecture: architectureOf(d.config),
    })));
  }),
  get: viewerProcedure.input(z.object({ spec })).query(async ({ ctx, input }) => {
    const roots = { hubCache: ctx.config.hubCache, workspaceRoot: ctx.config.workspaceRoot };
    const resolved = await resolveModel(input.spec, roots);
    const described = await describeModel(resolved);
    const { model, report, config, path, kind, sourcePath, gguf } = described;
    const published = kind === "workspace" ? await readPublished(path) : null;
    const parent = kind === "workspace" ? await parentOf(sourcePath, roots) : null;
    // A parent deleted since is named, not linked.
    const present = parent !== null && sourcePath !== null && (await stat(sourcePath).then((s) => s.isDirectory(), () => false));
    return {
      model,
      report: { ...report, findings: readableFindings(report.findings, subjectOf(described, ctx.config)) },
      config,
      path,
      kind,
      name: resolved.name,
      published,
      parent: parent ? { ...parent, present } : null,
      precision: precisionLabel(config),
      architecture: architectureOf(config),
      gguf,
    };
  }),
  /** Renames a workspace (its creator or an admin); refuses a name in use. */
  rename: memberProcedure
    .input(z.object({ name: existingName, to: workspaceNameSchema }))
    .mutation(({ ctx, input }) => ctx.services.workspaces.rename(input.name, input.to)),
  /** Deletes a managed workspace (its creator or an admin); the HF cache is never touched here. */
  remove: memberProcedure.input(z.object({ name: existingName })).mutation(({ ctx, input }) => ctx.services.workspaces.remove(input.name)),
});
