import type { Finding, Severity } from "./finding";

export interface MatrixRow {
  name: string;
  path: string;
  healthy: boolean;
  /** Defect id → the finding, for each defect found in this model. */
  cells: Record<string, Finding>;
}

export interface DefectMatrix {
  /** Defect ids found in at least one model, most widespread first. */
  columns: string[];
  rows: MatrixRow[];
}

const RANK: Record<Severity, number> = { "blocks-loading": 0, "degrades-output": 1, cosmetic: 2 };

/** Models as rows, defect ids as columns: the shape of `whet health --matrix` and the matrix page. */
export function defectMatrix(models: readonly { name: string; path: string; healthy: boolean; findings: readonly Finding[] }[]): DefectMatrix {
  const count = new Map<string, { n: number; severity: number }>();
  const rows = models.map((m) => {
    const cells: Record<string, Finding> = {};
    for (const f of m.findings) {
      // One finding per id and model: the most severe when a rule reports twice.
      const existing = cells[f.id];
      if (!existing || RANK[f.severity] < RANK[existing.severity]) cells[f.id] = f;
    }
    for (const [id, f] of Object.entries(cells)) {
      const c = count.get(id) ?? { n: 0, severity: 3 };
      count.set(id, { n: c.n + 1, severity: Math.min(c.severity, RANK[f.severity]) });
    }
    return { name: m.name, path: m.path, healthy: m.healthy, cells };
  });
  const columns = [...count.entries()]
    .sort(([a, x], [b, y]) => x.severity - y.severity || y.n - x.n || (a < b ? -1 : 1))
    .map(([id]) => id);
  return { columns, rows };
}
