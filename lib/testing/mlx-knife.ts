import { join } from "node:path";
import { execa } from "execa";
import { loadConfig } from "../config";

/**
 * Runs mlx-knife 2.0.8 (installed by scripts/setup.sh into .peers/mlx-knife,
 * without its dependencies) over the project venv: Python code, or its CLI
 * with `-m mlxk2.cli`.
 */
export async function runMlxKnife(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; exitCode: number }> {
  const { python, projectRoot } = loadConfig();
  const result = await execa(python, args, {
    reject: false,
    env: { PYTHONPATH: join(projectRoot, ".peers", "mlx-knife"), MLXK2_ENABLE_ALPHA_FEATURES: "1", HF_HUB_OFFLINE: "1", ...env },
  });
  if (result.exitCode !== 0 && !result.stdout.trim().startsWith("{")) {
    throw new Error(`mlx-knife failed (${result.exitCode}): ${result.stderr}`);
  }
  return { stdout: result.stdout, exitCode: result.exitCode ?? -1 };
}
