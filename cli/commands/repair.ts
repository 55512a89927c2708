import { homedir } from "node:os";
import { join } from "node:path";
import { resolveModel } from "../../lib/models/resolve-model";
import { fixModelOperation, type FixModelInput, type FixModelResult } from "../../lib/operations/fix-model";
import { planRepair } from "../../lib/repair/plan-repair";
import { checkModel } from "../../lib/health/check-model";
import { readableFindings } from "../../lib/health/readable-fix";
import { folderSize } from "../../lib/fs/folder-size";
import { formatBytes } from "../../lib/format/format-bytes";
import { WhetError } from "../../lib/errors";
import { freeWorkspaceName } from "../../lib/workspace/free-workspace-name";
import { UsageError, type Command } from "../command";
import { workspacePath } from "../paths";
import { runOperation } from "../run-operation";
import { renderPlan, renderFixResult } from "../render/repair-plan";

/** mlx-knife's planned exit codes for its umbrella --repair. */
const EXIT = { repaired: 0, error: 1, nothingToRepair: 2, onlyUnrepairable: 3 } as const;

export const repairCommand: Command = {
  name: "repair",
  summary: "Diagnose a model, repair everything repairable into a new workspace, and verify it in mlx-lm",
  usage: "whet repair MODEL [TARGET] [--yes] [--no-verify] [--json]",
  options: { yes: { type: "boolean", short: "y" }, "no-verify": { type: "boolean" } },
  async run(positionals, values, ctx) {
    const { config } = ctx;
    const [spec, targetArg] = positionals;
    if (!spec) throw new UsageError("repair needs a MODEL (a workspace, org/name in the HF cache, or a folder)");
    const model = await resolveModel(spec, { hubCache: config.hubCache, workspaceRoot: config.workspaceRoot }, { allowPaths: true });
    const findings = (await checkModel(model.path, model.name)).findings;
    const plan = planRepair(readableFindings(findings, { path: model.path, kind: model.kind, name: model.name, workspaceRoot: config.workspaceRoot, home: homedir() }));
    const shortName = model.name.split("/").pop() ?? model.name;
    // As the app's repair does: names no folder has yet, so a repair run again (or after a convert) does not collide.
    const target = workspacePath(targetArg ?? (await freeWorkspaceName(config.workspaceRoot, `${shortName}-fixed`)), config.workspaceRoot);
    const copyName = model.kind === "cache" ? await freeWorkspaceName(config.workspaceRoot, shortName) : null;
    const input: FixModelInput = {
      source: model.path,
      sourceName: model.name,
      target,
      ...(model.kind === "cache" && copyName ? { fromCache: { repoId: model.repoId, commit: model.commit, copyTarget: join(config.workspaceRoot, copyName) } } : {}),
      ...(values["no-verify"] ? { verify: false } : {}),
    };
    const planText = renderPlan(plan, input, formatBytes(await folderSize(model.path)));
    if (plan.verdict !== "repairable") {
      const result: FixModelResult = { verdict: plan.verdict, plan, copiedTo: null, target: null, after: null, verified: null };
      return { ok: true, data: result, human: planText, exitCode: plan.verdict === "nothing-to-repair" ? EXIT.nothingToRepair : EXIT.onlyUnrepairable };
    }
    if (!values.yes) {
      if (ctx.json || !ctx.readLine) {
        throw new WhetError("requires_confirmation", `Repairing ${model.name} writes ${target}`, "Add --yes to repair without asking.");
      }
      ctx.note?.(`${planText}\n`);
      const answer = (await ctx.readLine("Repair now? [Y/n]: "))?.trim().toLowerCase();
      if (answer !== "" && answer !== "y" && answer !== "yes") {
        return { ok: true, data: { verdict: plan.verdict, plan, cancelled: true }, human: "Nothing was changed." };
      }
    }
    const result = await runOperation(fixModelOperation, input, ctx, (p) => `${p.phase}${p.detail ? `: ${p.detail}` : ""} (${p.done}/${p.total})`);
    return { ok: true, data: result, human: [values.yes ? planText : "", renderFixResult(result)].filter(Boolean).join("\n"), exitCode: EXIT.repaired };
  },
  remote: {
    refuse: "repair reads and writes folders on this machine",
    hint: "Repair a model there with its Repair wizard, or run `whet repair` on that machine.",
  },
};
