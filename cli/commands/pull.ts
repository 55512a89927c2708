import { cachedRevisionState, type CachedRevisionState } from "../../lib/cache/cached-revision-state";
import { toWhetError, WhetError } from "../../lib/errors";
import { formatBytes } from "../../lib/format/format-bytes";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { runToEnd } from "../../lib/operations/operation";
import { cleanPartials, pullOperation, type PullInput, type PullResult } from "../../lib/operations/pull";
import { UsageError, type Command, type CommandContext, type CommandOutcome } from "../command";
import { followJob } from "../remote/follow-job";
import { renderDownloadProgress } from "../render/download-progress";

/** `--include a --include b` arrives as an array (parseArgs `multiple`). */
function patterns(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

function stallSeconds(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value !== "string" || !Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) throw new UsageError("--stall-timeout must be a number of seconds between 0 and 3600");
  return seconds;
}

async function clean(spec: string | undefined, ctx: CommandContext): Promise<CommandOutcome> {
  const repoId = spec === undefined ? undefined : parseRepoSpec(spec).repoId;
  const { removed, bytes } = await cleanPartials(ctx.config.hubCache, repoId);
  const data = { model: repoId ?? null, removed: removed.map((r) => ({ model: r.repoId, path: r.path, bytes: r.bytes })), freed_bytes: bytes };
  const human = removed.length === 0 ? "pull: no partial downloads to remove" : `pull: removed ${removed.length} partial download file(s), ${formatBytes(bytes)} freed`;
  return { ok: true, data, human };
}

/** mlx-knife's answer when the cache already has the model: done, or unhealthy and waiting for a decision. */
function existing(spec: string, state: Extract<CachedRevisionState, { kind: "healthy" | "unhealthy" }>) {
  const base = { model: spec, expanded_name: null, commit_hash: state.commit };
  if (state.kind === "healthy") return { ...base, download_status: "already_exists", message: `Model ${spec} already exists in cache` };
  return { ...base, download_status: "requires_confirmation", message: `${state.reason}. Use --force-resume to attempt resume or 'whet rm' to delete.` };
}

/** The outcome of a finished pull, here or on a remote Whetstone. */
function pulled(spec: string, result: PullResult): CommandOutcome {
  const { repoId } = parseRepoSpec(spec);
  const data = {
    model: spec,
    expanded_name: null,
    download_status: "success",
    message: `Downloaded to ${result.snapshotPath}`,
    commit_hash: result.commit,
    files: result.files,
    bytes: result.bytes,
    bytes_fetched: result.bytesFetched,
    snapshot_path: result.snapshotPath,
    health: result.health,
  };
  const health = result.health ? (result.health.healthy ? "✓ healthy" : `⚠ unhealthy: ${result.health.reason}`) : "no files";
  const fetched = result.bytesFetched === result.bytes ? formatBytes(result.bytes) : `${formatBytes(result.bytesFetched)} fetched of ${formatBytes(result.bytes)}`;
  return { ok: true, data, human: `pull: ${repoId}@${result.commit.slice(0, 7)} — ${result.files} files, ${fetched} (${health})\n${result.snapshotPath}` };
}

function pullFailed(spec: string, caught: unknown, resumeHint: string): CommandOutcome {
  const error = toWhetError(caught);
  const status = error.code === "interrupted" ? "interrupted" : ["access_denied", "repo_not_found", "revision_not_found"].includes(error.code) ? "access_denied" : "failed";
  const hint = error.code === "interrupted" ? resumeHint : error.hint;
  return { ok: false, error: new WhetError(error.code, error.message, hint, error.details), data: { model: spec, expanded_name: null, download_status: status, message: error.message }, human: `pull: ${spec} — ${status}` };
}

export const pullCommand: Command = {
  name: "pull",
  summary: "Download a Hub repository into the HF cache (resumable, verified)",
  usage: "whet pull ORG/NAME[@REV] [--include P]... [--exclude P]... [--force-resume] [--stall-timeout S] [--clean] [--json]",
  options: {
    include: { type: "string", multiple: true },
    exclude: { type: "string", multiple: true },
    "force-resume": { type: "boolean" },
    "stall-timeout": { type: "string" },
    clean: { type: "boolean" },
  },
  async run(positionals, values, ctx) {
    const [spec] = positionals;
    if (values.clean === true) return clean(spec, ctx);
    if (!spec) throw new UsageError("pull needs ORG/NAME");
    const { repoId, revision } = parseRepoSpec(spec);
    const input: PullInput = { repo: spec };
    const include = patterns(values.include);
    const exclude = patterns(values.exclude);
    const stall = stallSeconds(values["stall-timeout"]);
    if (include) input.include = include;
    if (exclude) input.exclude = exclude;
    if (stall !== undefined) input.stallTimeoutSeconds = stall;

    if (values["force-resume"] !== true) {
      // A partial download of ours is resumed as asked; mlx-knife's question is for a model that is there but broken.
      const state = await cachedRevisionState(ctx.config.hubCache, repoId, revision);
      if (state.kind === "healthy" || state.kind === "unhealthy") {
        const data = existing(spec, state);
        if (state.kind === "healthy" || ctx.json) return { ok: true, data, human: `pull: ${spec} — ${data.message}` };
        if (!ctx.terminal || !ctx.readLine) {
          return { ok: false, error: new WhetError("requires_confirmation", data.message, `Run \`whet pull ${spec} --force-resume\` to resume, or \`whet rm ${repoId}\` to start over.`), data, human: `pull: ${spec} — ${data.message}` };
        }
        const answer = (await ctx.readLine(`${data.message}\nResume download? [Y/n]: `))?.trim().toLowerCase();
        if (answer !== "" && answer !== "y" && answer !== "yes") return { ok: true, data, human: `pull: ${spec} — not resumed` };
      }
    }

    const controller = new AbortController();
    const release = ctx.onInterrupt?.(() => controller.abort("shutdown")) ?? (() => undefined);
    try {
      const result = await runToEnd(pullOperation, input, { config: ctx.config, fetch, signal: controller.signal, now: () => performance.now() }, (p) =>
        ctx.progress(renderDownloadProgress(p)),
      );
      return pulled(spec, result);
    } catch (caught) {
      return pullFailed(spec, caught, `Resume with the same command: whet pull ${spec}`);
    } finally {
      release();
    }
  },
  /** A job on the remote, into its HF cache: the server decides whether the model is there already. */
  async remote(positionals, values, ctx) {
    const [spec] = positionals;
    if (values.clean === true) {
      const { removed, bytes } = await ctx.client.operations.cleanPartials.mutate();
      return { ok: true, data: { model: null, removed: removed.map((r) => ({ model: r.repoId, path: r.path, bytes: r.bytes })), freed_bytes: bytes }, human: `pull: removed ${removed.length} partial download file(s) on ${ctx.target.label}, ${formatBytes(bytes)} freed` };
    }
    if (!spec) throw new UsageError("pull needs ORG/NAME");
    if (values["stall-timeout"] !== undefined || values["force-resume"] === true) throw new UsageError("--stall-timeout and --force-resume are for pulls on this machine; a remote Whetstone resumes and times out its own downloads");
    parseRepoSpec(spec);
    const include = patterns(values.include);
    const exclude = patterns(values.exclude);
    const job = await ctx.client.operations.start.mutate({ kind: "pull", repo: spec, ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) });
    if (job.kind !== "pull") throw new WhetError("remote_error", `${ctx.target.label} started a ${job.kind} job for a pull`, "Check the Whetstone there: it may be a different version.");
    try {
      return pulled(spec, await followJob(ctx, job, renderDownloadProgress));
    } catch (caught) {
      return pullFailed(spec, caught, `Follow it with \`whet --remote ${ctx.target.label} jobs\`; the job keeps running there.`);
    }
  },
};
