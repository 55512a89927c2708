import { WhetError } from "../errors";
import type { MixedRecipe } from "./quant-options";

/** What a predicate returns for one module: mlx-lm writes it as the module's entry in config.json. */
export type LayerEntry = { group_size: number | null; bits: number; mode?: "affine" };

const BITS: Record<MixedRecipe, { low: number; high: number }> = {
  mixed_2_6: { low: 2, high: 6 },
  mixed_3_4: { low: 3, high: 4 },
  mixed_3_6: { low: 3, high: 6 },
  mixed_4_6: { low: 4, high: 6 },
};

/**
 * mlx-lm's `mixed_quant_predicate_builder` (mlx_lm/convert.py), after
 * llama.cpp's Q4_K_M choices: v projections and down projections of the first
 * and last eighth of the layers, and every third layer between, get the high
 * bits, and so does lm_head; everything else the low bits. `groupSize` is the
 * `--q-group-size` as given: when it was not given mlx-lm writes null per layer.
 *
 * `modulePaths` are all module paths of the model (to find the layer index
 * position from the first `down_proj`); `layerCount` is `len(model.layers)`.
 */
export function mixedRecipePredicate(
  recipe: MixedRecipe,
  modulePaths: readonly string[],
  layerCount: number,
  groupSize: number | null,
): (path: string) => LayerEntry {
  const { low, high } = BITS[recipe];
  const down = modulePaths.find((p) => p.includes("down_proj"));
  if (!down) {
    throw new WhetError(
      "mixed_recipe_unsupported",
      `The ${recipe} recipe needs layers named down_proj; this model has none`,
      "mlx-lm raises the same error. Quantize with a single bit width instead (--quantize N without --mixed-recipe).",
    );
  }
  const parts = down.split(".");
  let location = parts.findIndex((k) => /^\d+$/.test(k));
  if (location < 0) location = parts.length - 1;
  const eighth = Math.floor(layerCount / 8);
  const moreBits = (i: number) => i < eighth || i >= Math.floor((7 * layerCount) / 8) || (((i - eighth) % 3) + 3) % 3 === 2;
  return (path) => {
    const components = path.split(".");
    const component = components[location];
    const index = components.length > location ? Number(component) : 0;
    if (!Number.isInteger(index)) {
      throw new WhetError(
        "mixed_recipe_unsupported",
        `The ${recipe} recipe reads the layer index at position ${location} of each module path, but '${path}' has '${component}' there`,
        "mlx-lm fails on this model too. Quantize with a single bit width instead.",
      );
    }
    const more = moreBits(index);
    const entry = (bits: number): LayerEntry => ({ group_size: groupSize, bits, mode: "affine" });
    if ((path.includes("v_proj") || path.includes("v_a_proj") || path.includes("v_b_proj")) && more) return entry(high);
    if (path.includes("down_proj") && more) return entry(high);
    if (path.includes("lm_head")) return entry(high);
    return entry(low);
  };
}
