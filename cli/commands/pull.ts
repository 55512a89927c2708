import { cachedRevisionState, type CachedRevisionState } from "../../lib/cache/cached-revision-state";
import { toWhetError, WhetError } from "../../lib/errors";
import { formatBytes } from "../../lib/format/format-bytes";
import { parseRepoSpec } from "../../lib/hub/repo-spec";
import { runToEnd } from "../../lib/operations/operation";
import { cleanPartials, pullOperation, type PullInput } from "../../lib/operations/pull";
import { UsageError, type Command, type CommandContext, type CommandOutcome } from "../command";
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
function existing(spec: string, state: Exclude<CachedRevisionState, { kind: "absent" }>) {
  const base = { model: spec, expanded_name: null, commit_hash: state.commit };
  if (state.kind === "healthy") return { ...base, download_status: "already_exists", message: `Model ${spec} already exists in cache` };
  return { ...base, download_status: "requires_confirmation", message: `${state.reason}. Use --force-resume to attempt resume or 'whet rm' to delete.` };
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
      const state = await cachedRevisionState(ctx.config.hubCache, repoId, revision);
      if (state.kind !== "absent") {
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
    const base = { model: spec, expanded_name: null };
    try {
      const result = await runToEnd(pullOperation, input, { config: ctx.config, fetch, signal: controller.signal, now: () => performance.now() }, (p) =>
        ctx.progress(renderDownloadProgress(p)),
      );
      const data = {
        ...base,
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
    } catch (caught) {
      const error = toWhetError(caught);
      const status = error.code === "interrupted" ? "interrupted" : ["access_denied", "repo_not_found", "revision_not_found"].includes(error.code) ? "access_denied" : "failed";
      const hint = error.code === "interrupted" ? `Resume with the same command (add --force-resume to skip the question): whet pull ${spec}` : error.hint;
      return { ok: false, error: new WhetError(error.code, error.message, hint, error.details), data: { ...base, download_status: status, message: error.message }, human: `pull: ${spec} — ${status}` };
    } finally {
      release();
    }
  },
};
