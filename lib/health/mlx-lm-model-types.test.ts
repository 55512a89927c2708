import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { MLX_LM_MODEL_REMAPPING, MLX_LM_MODEL_TYPES } from "./mlx-lm-model-types";

describe("MLX_LM_MODEL_TYPES", () => {
  it("matches the mlx-lm installed in the project venv", async () => {
    const { python, projectRoot } = loadConfig();
    const { stdout } = await execa(python, [join(projectRoot, "python", "list_model_types.py")]);
    const installed = JSON.parse(stdout) as { types: string[]; remapping: Record<string, string> };
    expect([...MLX_LM_MODEL_TYPES]).toEqual(installed.types);
    expect(MLX_LM_MODEL_REMAPPING).toEqual(installed.remapping);
  });
});
