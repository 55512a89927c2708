import { toWhetError, WhetError } from "../../lib/errors";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { cloneOperation, type CloneResult } from "../../lib/operations/clone";
import { runToEnd } from "../../lib/operations/operation";
import { UsageError, type Command, type CommandOutcome } from "../command";
import { followJob } from "../remote/follow-job";
import { workspacePath } from "../paths";
import { renderDownloadProgress } from "../render/download-progress";

/** The outcome of a finished clone, here or on a remote Whetstone. */
function cloned(result: CloneResult, targetArg: string | undefined): CommandOutcome {
  const health = result.health;
  const data = {
    model: result.repoId,
    clone_status: "success",
    message: `Cloned to ${targetArg ?? result.target}`,
    target_dir: result.target,
    health_check: health !== null,
    ...(health ? { health: health.healthy ? "healthy" : "unhealthy", health_reason: health.reason, findings: health.findings } : {}),
    revision: result.revision,
    commit: result.commit,
    files: result.files,
    size_bytes: result.bytes,
    bytes_fetched: result.bytesFetched,
    bytes_from_cache: result.bytesFromCache,
    skipped: result.skipped,
    content_hash: result.contentHash,
  };
  const state = health ? (health.healthy ? "✓ healthy" : `⚠ unhealthy: ${health.reason}`) : "health not checked";
  return { ok: true, data, human: `clone: ${result.repoId}@${result.commit.slice(0, 7)} → ${result.target} (${state})` };
}

function cloneFailed(repoId: string, target: string, caught: unknown, resumeHint: string): CommandOutcome {
  const error = toWhetError(caught);
  const status = error.code === "interrupted" ? "cancelled" : "error";
  const hint = error.code === "interrupted" ? resumeHint : error.hint;
  return { ok: false, error: new WhetError(error.code, error.message, hint, error.details), data: { model: repoId, clone_status: status, message: error.message, target_dir: target }, human: `clone: ${repoId} — ${status}` };
}

export const cloneCommand: Command = {
  name: "clone",
  summary: "Download a Hub repository into a new workspace (not the HF cache)",
  usage: "whet clone ORG/NAME[@REV] [TARGET] [--branch B] [--skip-health] [--stall-timeout S] [--json]",
  options: { branch: { type: "string" }, "skip-health": { type: "boolean" }, "stall-timeout": { type: "string" } },
  async run(positionals, values, ctx) {
    const [specArg, targetArg] = positionals;
    if (!specArg) throw new UsageError("clone needs ORG/NAME");
    const spec = typeof values.branch === "string" && !specArg.includes("@") ? `${specArg}@${values.branch}` : specArg;
    const { repoId } = parseRepoSpec(spec);
    const stall = values["stall-timeout"] === undefined ? undefined : Number(values["stall-timeout"]);
    if (stall !== undefined && !(stall > 0 && stall <= 3600)) throw new UsageError("--stall-timeout must be a number of seconds between 0 and 3600");
    const target = workspacePath(targetArg ?? (repoId.split("/")[1] as string), ctx.config.workspaceRoot);
    const controller = new AbortController();
    const release = ctx.onInterrupt?.(() => controller.abort("shutdown")) ?? (() => undefined);
    try {
      const result = await runToEnd(
        cloneOperation,
        { repo: spec, target, skipHealth: values["skip-health"] === true, ...(stall === undefined ? {} : { stallTimeoutSeconds: stall }) },
        { config: ctx.config, fetch, signal: controller.signal, now: () => performance.now() },
        (p) => ctx.progress(renderDownloadProgress(p)),
      );
      return cloned(result, targetArg);
    } catch (caught) {
      return cloneFailed(repoId, target, caught, `Resume with the same command: whet clone ${spec} ${targetArg ?? ""}`.trimEnd());
    } finally {
      release();
    }
  },
  /** A job on the remote, into a workspace there named TARGET (or the repository's name): the remote never takes a path. */
  async remote(positionals, values, ctx) {
    const [specArg, targetArg] = positionals;
    if (!specArg) throw new UsageError("clone needs ORG/NAME");
    if (values["skip-health"] === true || values["stall-timeout"] !== undefined) throw new UsageError("--skip-health and --stall-timeout are for clones on this machine; a remote Whetstone checks health and times out its own downloads");
    const spec = typeof values.branch === "string" && !specArg.includes("@") ? `${specArg}@${values.branch}` : specArg;
    const { repoId } = parseRepoSpec(spec);
    const name = targetArg ?? (repoId.split("/")[1] as string);
    const job = await ctx.client.operations.start.mutate({ kind: "clone", repo: spec, name });
    if (job.kind !== "clone") throw new WhetError("remote_error", `${ctx.target.label} started a ${job.kind} job for a clone`, "Check the Whetstone there: it may be a different version.");
    try {
      return cloned(await followJob(ctx, job, renderDownloadProgress), targetArg);
    } catch (caught) {
      return cloneFailed(repoId, name, caught, `Follow it with \`whet --remote ${ctx.target.label} jobs\`; the job keeps running there.`);
    }
  },
};
