import { stat } from "node:fs/promises";
import { join } from "node:path";

/** `base`, or `base-2`, `base-3`, … : the first name no folder in the workspace root has yet. */
export async function freeWorkspaceName(workspaceRoot: string, base: string): Promise<string> {
  const clean = base.replace(/[^\w.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100) || "model";
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? clean : `${clean}-${n}`;
    if (!(await stat(join(workspaceRoot, name)).catch(() => null))) return name;
  }
  return `${clean}-${Date.now()}`;
}
