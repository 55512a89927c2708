/**
 * The fuzz drill (issue #10): seeded, repeatable trials of damaged model files — safetensors
 * headers and lengths, the index, config.json, tokenizer files, chat templates, the workspace
 * sentinel, .npz archives, GGUF headers — each answered by Whetstone's readers with a typed result or error
 * within 5 s and under 512 MB, while /api/health keeps answering.
 *   npm run drill:fuzz -- [--trials 10000] [--seed 1] [--first N] [--app http://127.0.0.1:3100] [--json]
 * A failure prints its seed and trial; `--seed S --first N --trials 1` runs that trial alone.
 */
import { parseArgs } from "node:util";
import { runFuzz } from "../lib/testing/fuzz/run-fuzz";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    first: { type: "string", default: "0" },
    app: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const trials = Number(values.trials);
const seed = Number(values.seed);
const first = Number(values.first);
if (![trials, seed, first].every((n) => Number.isSafeInteger(n) && n >= 0)) {
  console.error("--trials, --seed and --first take whole numbers");
  process.exit(2);
}

let last = 0;
const report = await runFuzz({
  trials,
  seed,
  first,
  ...(values.app ? { appUrl: values.app } : {}),
  onTrial: (done) => {
    if (!values.json && (done - last >= 500 || done === trials)) {
      last = done;
      process.stderr.write(`  ${done}/${trials} trials\n`);
    }
  },
});

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  const lines = [
    `trials:        ${report.trials} (seed ${report.seed}, first ${first}) in ${report.seconds.toFixed(0)} s`,
    `failures:      ${report.failures.length}`,
    `worst time:    ${Math.round(report.worstMs)} ms (trial ${report.worstTrial ?? "-"})`,
    `worst memory:  ${mb(report.worstRssBytes)} resident (peak of the process running the trials), ${mb(report.worstHeapBytes)} heap after a trial`,
    `/api/health:   ${report.health.polls} polls, ${report.health.unanswered} unanswered, worst ${Math.round(report.health.worstMs)} ms`,
    ...(report.app ? [`app health:    ${report.app.polls} polls, ${report.app.unanswered} unanswered, worst ${Math.round(report.app.worstMs)} ms`] : []),
    `cases:         ${Object.entries(report.kinds).map(([k, n]) => `${k} ${n}`).join(", ")}`,
    `answers:       ${Object.entries(report.answers).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `${k} ${n}`).join(", ")}`,
    ...report.failures.slice(0, 20).map((f) => `  FAIL seed ${f.seed} trial ${f.trial} (${f.kind}): ${f.problem}\n       ${f.changes.join("; ")}\n       rerun: npm run drill:fuzz -- --seed ${f.seed} --first ${f.trial} --trials 1`),
  ];
  console.log(lines.join("\n"));
}
process.exit(report.failures.length === 0 && report.health.unanswered === 0 && (report.app?.unanswered ?? 0) === 0 ? 0 : 1);
