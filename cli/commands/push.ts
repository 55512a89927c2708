import { z } from "zod";
import { pushInput, pushOperation } from "../../lib/operations/push";
import { WhetError } from "../../lib/errors";
import { UsageError, type Command } from "../command";
import { workspacePath } from "../paths";
import { renderPushProgress } from "../render/push-progress";
import { renderPushResult } from "../render/push-result";
import { followJob } from "../remote/follow-job";
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
  /** A job on the remote: its workspace WORKSPACE (a name, never a path) pushed with the remote's Hub token for this user. */
  async remote(positionals, values, ctx) {
    const [workspace, repo, extra] = positionals;
    if (!workspace || !repo) throw new UsageError("push needs WORKSPACE and ORG/NAME");
    if (extra) throw new UsageError(`Unexpected argument '${extra}'`);
    if (values["check-only"] === true) throw new UsageError("--check-only runs on this machine only; use --dry-run to preview a push on a remote Whetstone");
    const job = await ctx.client.operations.start.mutate({
      kind: "push",
      workspace,
      repo,
      ...(typeof values.branch === "string" ? { branch: values.branch } : {}),
      ...(typeof values.commit === "string" ? { message: values.commit } : {}),
      visibility: values.public === true ? "public" : "private",
      create: values.create === true,
      dryRun: values["dry-run"] === true,
      force: values.force === true,
    });
    if (job.kind !== "push") throw new WhetError("remote_error", `${ctx.target.label} started a ${job.kind} job for a push`, "Check the Whetstone there: it may be a different version.");
    const result = await followJob(ctx, job, renderPushProgress);
    return { ok: true, data: result, human: renderPushResult(result) };
  },
};
