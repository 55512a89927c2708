import { join } from "node:path";
import { execa } from "execa";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import { walkSafeModelFolder } from "../fs/walk-model-folder";
import { pythonErrorLine } from "./python-error-line";

export interface LoadCheck {
  tokens: number[];
  text: string;
  loadSeconds: number;
  generateSeconds: number;
}

function lastError(stderr: string): string {
  return pythonErrorLine(stderr.trim().split("\n")) ?? "unknown error";
}

/** Long enough to load a large model from a slow disk; a check past it is stopped. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/**
 * Loads `dir` with mlx-lm in the project venv and generates `maxTokens` tokens
 * greedily: the proof that a model is runnable, not only well-formed. Bounded
 * in time, and stdin is /dev/null: a library that asks a question there (as
 * transformers does before running a model's own code) gets no answer at once.
 */
export async function verifyLoad(
  dir: string,
  config: Pick<WhetConfig, "python" | "projectRoot">,
  options: { maxTokens?: number; prompt?: string; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<LoadCheck> {
  const { maxTokens = 8, prompt = "Hello, how are you?", signal, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  // mlx-lm would follow a link out of the folder or block on a FIFO.
  await walkSafeModelFolder(dir);
  const script = join(config.projectRoot, "python", "verify_load.py");
  const result = await execa(config.python, [script, dir, String(maxTokens), prompt], {
    reject: false,
    stdin: "ignore",
    timeout: timeoutMs,
    env: { TRANSFORMERS_VERBOSITY: "error", HF_HUB_OFFLINE: "1", HF_HUB_DISABLE_TELEMETRY: "1" },
    ...(signal ? { cancelSignal: signal } : {}),
  });
  if (result.isCanceled) throw new WhetError("cancelled", "Load check cancelled", "Start it again when you are ready.");
  if (result.timedOut) {
    throw new WhetError("load_check_timeout", `mlx-lm did not load ${dir} and generate within ${Math.round(timeoutMs / 100) / 10} s`, `Run \`whet health ${dir}\` for the model's findings; a model this large may need a longer check.`);
  }
  if (result.failed && result.exitCode === undefined) {
    throw new WhetError("python_missing", `Cannot run ${config.python}: ${result.shortMessage}`, "Install the project venv: npm run setup");
  }
  if (result.exitCode !== 0) {
    throw new WhetError(
      "load_failed",
      `mlx-lm could not load ${dir}: ${lastError(result.stderr)}`,
      `Run \`whet health ${dir}\` to see which defect stops it, and the repair.`,
    );
  }
  const parsed = JSON.parse(result.stdout.trim().split("\n").pop() as string) as {
    tokens: number[];
    text: string;
    load_s: number;
    generate_s: number;
  };
  return { tokens: parsed.tokens, text: parsed.text, loadSeconds: parsed.load_s, generateSeconds: parsed.generate_s };
}
