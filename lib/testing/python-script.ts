import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../config";

/** Runs `python/<script>` of this repository with the project venv; returns stdout, throws with stderr. */
export async function runPythonScript(script: string, args: string[] = []): Promise<string> {
  const { python, projectRoot } = loadConfig();
  const result = await execa(python, [join(projectRoot, "python", script), ...args], {
    env: { TRANSFORMERS_VERBOSITY: "error", HF_HUB_DISABLE_TELEMETRY: "1", HF_HUB_OFFLINE: "1" },
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`python ${script} failed (${result.exitCode}):\n${result.stderr}`);
  return result.stdout;
}
