import type { HealthReport } from "../../lib/health/check-model";
import { listModels } from "../../lib/models/list-models";
import { describeModel } from "../../lib/models/describe-model";
import { resolveModel } from "../../lib/models/resolve-model";
import type { Command } from "../command";
import { renderHealth } from "../render/health";

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
  usage: "whet health [MODEL] [--json]",
  options: {},
  async run(positionals, _values, { config }) {
    const roots = { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot };
    const spec = positionals[0];
    const described = spec === undefined ? await listModels(roots) : [await describeModel(await resolveModel(spec, roots))];
    const entries: HealthEntry[] = described.map(({ model, report }) => ({
      name: model.name,
      status: report.healthy ? "healthy" : "unhealthy",
      reason: report.reason,
      managed: report.managed,
      path: report.path,
      findings: report.findings,
    }));
    const healthy = entries.filter((e) => e.status === "healthy");
    const unhealthy = entries.filter((e) => e.status === "unhealthy");
    const data = {
      healthy,
      unhealthy,
      summary: { total: entries.length, healthy_count: healthy.length, unhealthy_count: unhealthy.length },
    };
    return { ok: true, data, human: renderHealth(entries) };
  },
};
