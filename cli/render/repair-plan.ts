import { homedir } from "node:os";
import type { FixModelInput, FixModelResult } from "../../lib/operations/fix-model";
import type { RepairPlan } from "../../lib/repair/plan-repair";

/** A path as a person reads it: `~` for the home folder. */
function readable(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** The diagnosis in plain words and the plan: what runs, why, and where the result goes. */
export function renderPlan(plan: RepairPlan, input: FixModelInput, size: string): string {
  if (plan.verdict === "nothing-to-repair") return `${input.sourceName}: no defects found; nothing to repair.`;
  const lines = [`${input.sourceName}: ${plan.findings.length} problem${plan.findings.length === 1 ? "" : "s"} found`];
  for (const f of plan.findings) {
    lines.push(`  • ${f.text}`, `    ${f.impact}${f.repair ? "" : " No repair fixes this."}`);
    if (f.guidance) lines.push(`    What you can do: ${f.guidance}`);
  }
  if (plan.verdict === "only-unrepairable") return lines.join("\n");
  lines.push("", "Plan:");
  let n = 1;
  if (input.fromCache) lines.push(`  ${n++}. Copy it from the Hugging Face cache into the workspace ${readable(input.fromCache.copyTarget)} (the cache is not changed).`);
  for (const s of plan.steps) lines.push(`  ${n++}. ${s.why}`);
  lines.push(`  ${n++}. Check the result's health${input.verify === false ? "" : ", load it in mlx-lm and generate a few words"}.`);
  lines.push(`The result is written to ${readable(input.target)} (about ${size}); the original is not modified.`);
  return lines.join("\n");
}

export function renderFixResult(result: FixModelResult): string {
  if (!result.target || !result.after) return "Nothing was repaired.";
  const lines = [`✓ Repaired into ${readable(result.target)}: ${result.after.healthy ? "healthy" : result.after.reason}`];
  for (const f of result.after.findings) lines.push(`  • still: ${f.text}`);
  if (result.verified) lines.push(`✓ mlx-lm loaded it and said: ${JSON.stringify(result.verified.text.trim())}`);
  return lines.join("\n");
}
