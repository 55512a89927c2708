import { JOB_STATES } from "../../server/jobs/job-store";
import { UsageError, type Command } from "../command";

/**
 * The jobs of a remote Whetstone (clones, pulls, pushes, conversions), as its
 * Jobs page lists them. This machine's CLI runs its operations in the
 * foreground, so there are no jobs here to list.
 */
export const jobsCommand: Command = {
  name: "jobs",
  summary: "List a remote Whetstone's jobs (with --remote): state, progress, who started them",
  usage: "whet --remote NAME jobs [--state S] [--limit N] [--json]",
  options: { state: { type: "string", multiple: true }, limit: { type: "string" } },
  async run() {
    throw new UsageError("jobs lists a remote Whetstone's jobs: add --remote NAME (see `whet remote list`), or open the Jobs page of the app on this machine");
  },
  async remote(_positionals, values, { client, target }) {
    const states = Array.isArray(values.state) ? values.state.filter((s): s is string => typeof s === "string") : [];
    const unknown = states.find((s) => !(JOB_STATES as readonly string[]).includes(s));
    if (unknown) throw new UsageError(`--state must be one of ${JOB_STATES.join(", ")}`);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError("--limit must be a whole number from 1 to 500");
    const jobs = await client.operations.list.query({ ...(states.length ? { states: states as (typeof JOB_STATES)[number][] } : {}), limit });
    const rows = jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      title: j.title,
      state: j.state,
      owner: j.owner,
      progress: j.progress ? { phase: j.progress.phase, done: j.progress.done, total: j.progress.total, unit: j.progress.unit } : null,
      error: j.error,
      created_at: j.createdAt,
      finished_at: j.finishedAt,
    }));
    const percent = (p: (typeof rows)[number]["progress"]) => (p && p.total > 0 ? `${Math.floor((100 * p.done) / p.total)}%` : "");
    const human = rows.length
      ? rows.map((r) => `${r.id.slice(0, 8)}  ${r.state.padEnd(11)} ${percent(r.progress).padStart(4)}  ${(r.owner ?? "-").padEnd(10)} ${r.title}`).join("\n")
      : `No jobs on ${target.label}.`;
    return { ok: true, data: { jobs: rows, count: rows.length }, human };
  },
};
