import { homedir } from "node:os";
import type { HealthReport } from "../../lib/health/check-model";
import type { FixSubject } from "../../lib/health/readable-fix";
import { listModels } from "../../lib/models/list-models";
import { describeModel } from "../../lib/models/describe-model";
import { resolveModel } from "../../lib/models/resolve-model";
import type { Command } from "../command";
import { defectMatrix } from "../../lib/health/defect-matrix";
import { renderHealth, renderMatrix } from "../render/health";

export interface HealthEntry {
  name: string;
  status: "healthy" | "unhealthy";
  reason: string;
  managed: boolean;
  path: string;
  findings: HealthReport["findings"];
}

export const healthCommand: Command = {
  name: "health",
  summary: "Check one model (path, workspace, org/name[@rev]) or every model for defects",
  usage: "whet health [MODEL] [--matrix] [--json]",
  options: { matrix: { type: "boolean" } },
  async run(positionals, values, { config }) {
    const roots = { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot };
    const spec = positionals[0];
    const described = spec === undefined ? await listModels(roots) : [await describeModel(await resolveModel(spec, roots, { allowPaths: true }))];
    const entries: HealthEntry[] = described.map(({ model, report }) => ({
      name: model.name,
      status: report.healthy ? "healthy" : "unhealthy",
      reason: report.reason,
      managed: report.managed,
      path: report.path,
      findings: report.findings,
    }));
    const subject = (_entry: HealthEntry, i: number): FixSubject => {
      const { kind, model, path } = described[i] as (typeof described)[number];
      return { path, kind, name: model.name, workspaceRoot: config.workspaceRoot, home: homedir() };
    };
    const healthy = entries.filter((e) => e.status === "healthy");
    const unhealthy = entries.filter((e) => e.status === "unhealthy");
    const data = {
      healthy,
      unhealthy,
      summary: { total: entries.length, healthy_count: healthy.length, unhealthy_count: unhealthy.length },
    };
    if (values.matrix) {
      const matrix = defectMatrix(entries.map((e) => ({ name: e.name, path: e.path, healthy: e.status === "healthy", findings: e.findings })));
      const columns = matrix.columns;
      const rows = matrix.rows.map((r) => ({ name: r.name, healthy: r.healthy, defects: Object.fromEntries(Object.entries(r.cells).map(([id, f]) => [id, f.severity])) }));
      return { ok: true, data: { ...data, matrix: { columns, rows } }, human: renderMatrix(matrix) };
    }
    return { ok: true, data, human: renderHealth(entries, subject) };
  },
};
