import { z } from "zod";
import { pushInput, pushOperation } from "../../lib/operations/push";
import { UsageError, type Command } from "../command";
import { workspacePath } from "../paths";
import { renderPushProgress } from "../render/push-progress";
import { renderPushResult } from "../render/push-result";
import { runOperation } from "../run-operation";

export const pushCommand: Command = {
  name: "push",
  summary: "Publish a workspace to a Hub repository as one commit, health-gated",
  usage: "whet push WORKSPACE ORG/NAME [--create] [--private|--public] [--branch B] [--commit MSG] [--dry-run] [--check-only] [--force] [--json]",
  options: {
    create: { type: "boolean" },
    private: { type: "boolean" },
    public: { type: "boolean" },
    branch: { type: "string" },
    commit: { type: "string" },
    "dry-run": { type: "boolean" },
    "check-only": { type: "boolean" },
    force: { type: "boolean" },
  },
  async run(positionals, values, ctx) {
    const [workspaceArg, repo, extra] = positionals;
    if (!workspaceArg || !repo) throw new UsageError("push needs WORKSPACE and ORG/NAME");
    if (extra) throw new UsageError(`Unexpected argument '${extra}'`);
    const flag = (name: string) => (values[name] === true ? true : undefined);
    const parsed = pushInput.safeParse({
      workspace: workspacePath(workspaceArg, ctx.config.workspaceRoot),
      repo,
      create: flag("create"),
      private: flag("private"),
      public: flag("public"),
      branch: typeof values.branch === "string" ? values.branch : undefined,
      message: typeof values.commit === "string" ? values.commit : undefined,
      dryRun: flag("dry-run"),
      checkOnly: flag("check-only"),
      force: flag("force"),
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues[0]?.message ?? z.prettifyError(parsed.error));
    const result = await runOperation(pushOperation, parsed.data, ctx, renderPushProgress);
    return { ok: true, data: result, human: renderPushResult(result) };
  },
};
