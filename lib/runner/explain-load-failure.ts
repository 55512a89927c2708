import { WhetError } from "../errors";
import { checkModel } from "../health/check-model";
import { pythonErrorLine } from "../mlx/python-error-line";

/** Findings that say the index names shard files the folder does not have. */
const MISSING_SHARDS = new Set(["shards-missing", "index-shard-mismatch"]);

/**
 * The health check's verdict when it finds something that stops loading; null when it finds nothing.
 * `shardsElsewhere`: shards this folder lacks by design (a pipeline stage's copy), not counted as missing.
 */
export async function blockingFinding(modelPath: string, name: string, shardsElsewhere: ReadonlySet<string> = new Set()): Promise<WhetError | null> {
  const report = await checkModel(modelPath).catch(() => null);
  // A pipeline stage's copy lacks, by design, the shards only other stages need.
  const expected = (f: { id: string; evidence: { files?: string[] } }) => MISSING_SHARDS.has(f.id) && (f.evidence.files ?? []).every((file) => shardsElsewhere.has(file));
  const finding = report?.findings.find((f) => f.severity === "blocks-loading" && !(shardsElsewhere.size > 0 && expected(f)));
  if (!report || !finding) return null;
  return new WhetError("model_not_runnable", `${name} cannot be loaded: ${finding.message}`, finding.hint, {
    finding: finding.id,
    findings: report.findings.map((f) => ({ id: f.id, severity: f.severity, message: f.message, hint: f.hint })),
  });
}

/**
 * Turns a failed load into what a person can act on: the last line of
 * Python's error, never the traceback. (A health finding that explains a
 * failure is reported before Python starts: see `blockingFinding`.)
 */
export function explainLoadFailure(options: {
  name: string;
  errorType: string | null;
  message: string | null;
  stderrTail: string[];
}): WhetError {
  const spawn = options.stderrTail.find((l) => l.startsWith("Error: cannot start "));
  if (spawn) return new WhetError("python_missing", spawn.slice("Error: ".length).split("\n")[0] ?? spawn, "Install the project venv: npm run setup (or point WHET_PYTHON at a Python with mlx-lm).");
  const line =
    options.message && options.errorType
      ? `${options.errorType}: ${options.message}`
      : (pythonErrorLine(options.stderrTail) ?? "the runner exited while loading");
  return new WhetError("load_failed", `mlx-lm could not load ${options.name}: ${line.slice(0, 500)}`, `Run \`whet health ${options.name}\` for the model's findings; if it is healthy, the architecture may be one mlx-lm does not support.`);
}
