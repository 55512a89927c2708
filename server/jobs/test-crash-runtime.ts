/**
 * For job-runtime.test.ts: a process that runs a resumable and a
 * non-resumable job, prints their ids once their progress is in the
 * database, and waits to be killed.
 */
import { join } from "node:path";
import { loadConfig } from "../../lib/config";
import { openAppDatabase } from "../../lib/store/app-database";
import { createJobRuntime } from "./job-runtime";
import { operations, sleep, type StepProgress } from "./test-operations";

const [dataDir = "", root = ""] = process.argv.slice(2);
const config = { ...loadConfig(), dataDir };
const jobs = createJobRuntime({ db: openAppDatabase(dataDir), config, operations });
const counting = jobs.start("count", { file: join(root, "n"), steps: 400, stepMs: 5 });
const waiting = jobs.start("wait", { gate: join(root, "g") });
while (((jobs.get(counting.id)?.progress as StepProgress | null)?.done ?? 0) < 10 || jobs.get(waiting.id)?.state !== "running") await sleep(5);
// The database keeps progress about once a second (later on a loaded machine): wait until it holds ten steps.
const db = openAppDatabase(dataDir);
const stored = () => JSON.parse((db.prepare("SELECT progress FROM jobs WHERE id = ?").get(counting.id) as { progress: string | null } | undefined)?.progress ?? "null") as StepProgress | null;
while ((stored()?.done ?? 0) < 10) await sleep(20);
process.stdout.write(`${JSON.stringify({ counting: counting.id, waiting: waiting.id })}\n`);
await new Promise(() => undefined);
