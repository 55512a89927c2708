import { homedir } from "node:os";
import type { HealthReport } from "../../lib/health/check-model";
import type { FixSubject } from "../../lib/health/readable-fix";
import { listModels } from "../../lib/models/list-models";
import { describeModel } from "../../lib/models/describe-model";
import { resolveModel } from "../../lib/models/resolve-model";
import type { Command, CommandOutcome } from "../command";
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
    const subjects = described.map(({ kind, model, path }): FixSubject => ({ path, kind, name: model.name, workspaceRoot: config.workspaceRoot, home: homedir() }));
    return healthOutcome(described.map(({ model, report }) => entryOf(model.name, report)), values, (_e, i) => subjects[i] as FixSubject);
  },
  /** The remote's own health checks, by model name there (never a path); its hints come already readable. */
  async remote(positionals, values, { client }) {
    const spec = positionals[0];
    const asIs = (entry: HealthEntry, kind: FixSubject["kind"]): FixSubject => ({ path: entry.path, kind, name: entry.name, workspaceRoot: "", home: null });
    if (spec === undefined) {
      const rows = await client.models.list.query();
      return healthOutcome(rows.map((r) => entryOf(r.model.name, { healthy: r.healthy, reason: r.reason, managed: r.managed, path: r.path, findings: r.findings })), values, (e, i) => asIs(e, rows[i]?.kind ?? "workspace"));
    }
    const { model, report, kind } = await client.models.get.query({ spec });
    return healthOutcome([entryOf(model.name, report)], values, (e) => asIs(e, kind));
  },
};

function entryOf(name: string, report: Pick<HealthReport, "healthy" | "reason" | "managed" | "path" | "findings">): HealthEntry {
  return { name, status: report.healthy ? "healthy" : "unhealthy", reason: report.reason, managed: report.managed, path: report.path, findings: report.findings };
}

function healthOutcome(entries: HealthEntry[], values: Record<string, string | boolean | undefined>, subjectOf: (entry: HealthEntry, index: number) => FixSubject): CommandOutcome {
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
  return { ok: true, data, human: renderHealth(entries, subjectOf) };
}
