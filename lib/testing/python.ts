import { execa } from "execa";
import { loadConfig } from "../config";

/** Runs a Python snippet with the project's venv (mlx, mlx-lm, huggingface_hub) and returns stdout. */
export async function runPython(code: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const { python } = loadConfig();
  const result = await execa(python, ["-c", code, ...args], {
    env: { TRANSFORMERS_VERBOSITY: "error", HF_HUB_DISABLE_TELEMETRY: "1", ...env },
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new Error(`python failed (${result.exitCode}):\n${result.stderr}`);
  }
  return result.stdout;
}

/** Loads a model folder with mlx_lm.load and greedily generates a few tokens; returns the token ids. */
export async function mlxLoadAndGenerate(dir: string, maxTokens = 8): Promise<number[]> {
  const out = await runPython(
    [
      "import sys, json",
      "from mlx_lm import load",
      "from mlx_lm.generate import generate_step",
      "import mlx.core as mx",
      "model, tokenizer = load(sys.argv[1])",
      "prompt = mx.array(tokenizer.encode('Hello, how are you?'))",
      "ids = [int(t) for (t, _), _ in zip(generate_step(prompt, model), range(int(sys.argv[2])))]",
      "print(json.dumps(ids))",
    ].join("\n"),
    [dir, String(maxTokens)],
  );
  return JSON.parse(out.trim().split("\n").pop() as string) as number[];
}
