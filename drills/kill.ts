/**
 * The kill drill: `npm run drill:kill -- [--trials N] [--seed S] [--only NAME]`.
 * SIGKILLs `whet` at random moments of every operation it covers and prints,
 * per operation, the trials, kills, failures (with the seed's kill time to
 * reproduce each) and the worst trial time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { killCases } from "./kill-cases";
import { killDrill, type KillReport } from "./kill-drill";

const { values } = parseArgs({ options: { trials: { type: "string", default: "50" }, seed: { type: "string", default: "1" }, only: { type: "string", multiple: true } } });
const trials = Number(values.trials);
const seed = Number(values.seed);
const root = await mkdtemp(join(tmpdir(), "whet-kill-"));
const setup = await killCases(root);
const reports: KillReport[] = [];
try {
  for (const kase of setup.cases.filter((c) => !values.only || values.only.includes(c.name))) {
    const report = await killDrill({ kase, trials, seed, projectRoot: process.cwd(), env: setup.env, onTrial: (line) => process.stderr.write(`\r\x1b[2K${line}`) });
    reports.push(report);
    process.stderr.write("\r\x1b[2K");
    console.log(`${kase.name.padEnd(24)} trials ${report.trials}, killed ${report.killed}, failures ${report.failures.length}, full run ${Math.round(report.fullRunMs)} ms, worst trial ${Math.round(report.worstTrialMs)} ms, worst memory ${Math.round(report.worstRssMb)} MB`);
    for (const f of report.failures) console.log(`  ✗ trial ${f.trial} (kill after ${f.killAfterMs} ms): ${f.problem}`);
  }
} finally {
  await setup.hub.close();
  await rm(root, { recursive: true, force: true });
}
const failures = reports.reduce((n, r) => n + r.failures.length, 0);
console.log(`kill drill (seed ${seed}): ${reports.reduce((n, r) => n + r.trials, 0)} trials, ${reports.reduce((n, r) => n + r.killed, 0)} killed, ${failures} failures`);
process.exitCode = failures ? 1 : 0;
