import type { AppDatabase } from "../../lib/store/app-database";

export const JOB_STATES = ["queued", "running", "paused", "succeeded", "failed", "cancelled", "interrupted"] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job can still leave on its own or by resume. */
export const ACTIVE_STATES: readonly JobState[] = ["queued", "running"];

export interface JobError {
  code: string;
  message: string;
  hint: string;
}

/** One job as stored: input, progress and result are the operation's own JSON. */
export interface StoredJob {
  id: string;
  kind: string;
  key: string;
  title: string;
  input: unknown;
  owner: string | null;
  state: JobState;
  progress: unknown;
  result: unknown;
  error: JobError | null;
  /** Runs started so far (a resume or retry is another run of the same job). */
  runs: number;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  input TEXT NOT NULL,
  owner TEXT,
  state TEXT NOT NULL,
  progress TEXT,
  result TEXT,
  error TEXT,
  runs INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_key ON jobs (key, state);
`;

interface JobRow {
  id: string;
  kind: string;
  key: string;
  title: string;
  input: string;
  owner: string | null;
  state: JobState;
  progress: string | null;
  result: string | null;
  error: string | null;
  runs: number;
  created_at: string;
  started_at: string | null;
  updated_at: string;
  finished_at: string | null;
}

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const text = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

function toJob(row: JobRow): StoredJob {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    title: row.title,
    input: json(row.input),
    owner: row.owner,
    state: row.state,
    progress: json(row.progress),
    result: json(row.result),
    error: json(row.error) as JobError | null,
    runs: row.runs,
    createdAt: row.created_at,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export interface JobStore {
  insert(job: StoredJob): void;
  save(job: StoredJob): void;
  get(id: string): StoredJob | null;
  /** Every job, newest first. */
  all(): StoredJob[];
  /** Deletes jobs that finished before `before` (ISO time); returns how many. */
  prune(before: string): number;
}

/** Jobs in the app database: their history survives restarts. */
export function openJobStore(db: AppDatabase): JobStore {
  db.exec(SCHEMA);
  const upsert = db.prepare(
    `INSERT INTO jobs (id, kind, key, title, input, owner, state, progress, result, error, runs, created_at, started_at, updated_at, finished_at)
     VALUES (@id, @kind, @key, @title, @input, @owner, @state, @progress, @result, @error, @runs, @created_at, @started_at, @updated_at, @finished_at)
     ON CONFLICT (id) DO UPDATE SET state = excluded.state, progress = excluded.progress, result = excluded.result, error = excluded.error,
       runs = excluded.runs, started_at = excluded.started_at, updated_at = excluded.updated_at, finished_at = excluded.finished_at`,
  );
  const row = (job: StoredJob) => ({
    id: job.id,
    kind: job.kind,
    key: job.key,
    title: job.title,
    input: JSON.stringify(job.input),
    owner: job.owner,
    state: job.state,
    progress: text(job.progress),
    result: text(job.result),
    error: text(job.error),
    runs: job.runs,
    created_at: job.createdAt,
    started_at: job.startedAt,
    updated_at: job.updatedAt,
    finished_at: job.finishedAt,
  });
  const byId = db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE id = ?");
  const everything = db.prepare<[], JobRow>("SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC");
  const old = db.prepare<[string]>("DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ?");
  return {
    insert: (job) => upsert.run(row(job)),
    save: (job) => upsert.run(row(job)),
    get: (id) => {
      const found = byId.get(id);
      return found ? toJob(found) : null;
    },
    all: () => everything.all().map(toJob),
    prune: (before) => old.run(before).changes,
  };
}
