import { WhetError } from "../errors";
import { mixedRecipePredicate, type LayerEntry } from "./mixed-recipes";
import { modelRules } from "./model-rules";
import type { MixedRecipe } from "./quant-options";

/** A module of the model, as far as tensor names and shapes tell. */
export interface ModuleInfo {
  path: string;
  /** Names of the arrays it holds directly (`weight`, `bias`, `scales`, ...). */
  arrays: string[];
  /** Shape of its (float) weight; for an already quantized module, the shape it stands for. */
  weightShape: number[] | null;
  /** True when `weight` is a float tensor or the module is affine-quantized. */
  hasWeight: boolean;
  quantized: boolean;
}

export interface LayerChoice {
  bits: number;
  groupSize: number;
  /** What mlx-lm writes for this module in config.json's "quantization", when its predicate returned a dict. */
  entry: LayerEntry | null;
}

export interface LayerQuantizationParams {
  modules: readonly ModuleInfo[];
  modelType: string;
  bits: number;
  groupSize: number;
  /** `--q-group-size` as given (mixed recipes write it per layer, null when absent). */
  groupSizeGiven: number | null;
  recipe?: MixedRecipe;
  layerCount: number;
}

/**
 * 3-D weights whose modules have `to_quantized`: SwitchLinear (experts stacked
 * under `switch_mlp` or `experts`) and MLA's MultiLinear (`embed_q` and
 * `unembed_out`, one matrix per head, in deepseek_v3 and its kin).
 */
const STACKED_3D = /(^|\.)(switch_mlp|experts)(\.|$)|(^|\.)(embed_q|unembed_out)$/;

/**
 * Whether a module has `to_quantized` in mlx-lm: nn.Linear and nn.Embedding
 * (2-D weight), SwitchLinear and MultiLinear (3-D). Norms, convolutions and
 * custom modules that hold a bare weight next to other arrays do not.
 */
function hasToQuantized(m: ModuleInfo, bareWeights: readonly string[]): boolean {
  if (m.quantized) return true;
  if (!m.hasWeight || !m.weightShape) return false;
  const last = m.path.split(".").pop() ?? "";
  if (/norm/i.test(last)) return false;
  if (bareWeights.some((s) => m.path.endsWith(s))) return false;
  if (!m.arrays.every((a) => a === "weight" || a === "bias")) return false;
  const ndim = m.weightShape.length;
  return ndim === 2 || (ndim === 3 && STACKED_3D.test(m.path));
}

/**
 * mlx-lm's `quantize_model` decision, module by module in parameter order:
 * no `to_quantized` → no; last dimension not divisible by the global group
 * size → no (silently, as mlx-lm); then the mixed recipe, else the model's own
 * `quant_predicate`, else yes with the global bits and group size.
 */
export function chooseLayers(p: LayerQuantizationParams): { chosen: Map<string, LayerChoice>; notDivisible: string[] } {
  const rules = modelRules(p.modelType);
  const recipe = p.recipe ? mixedRecipePredicate(p.recipe, p.modules.map((m) => m.path), p.layerCount, p.groupSizeGiven) : null;
  const chosen = new Map<string, LayerChoice>();
  const notDivisible: string[] = [];
  for (const m of p.modules) {
    if (!hasToQuantized(m, rules.bareWeights)) continue;
    const k = m.weightShape?.[m.weightShape.length - 1] ?? 0;
    if (k % p.groupSize !== 0) {
      notDivisible.push(m.path);
      continue;
    }
    let entry: LayerEntry | null = null;
    if (recipe) entry = recipe(m.path);
    else if (rules.eightBit.some((match) => match(m.path))) entry = { group_size: 64, bits: 8 };
    const bits = entry?.bits ?? p.bits;
    const groupSize = entry ? (entry.group_size ?? 64) : p.groupSize;
    if (k % groupSize !== 0) {
      throw new WhetError(
        "group_size_mismatch",
        `Layer '${m.path}' (last dimension ${k}) gets group size ${groupSize} from its per-layer rule, which does not divide it`,
        "mx.quantize refuses this in mlx-lm too; choose a --q-group-size that divides every layer with its own rule.",
      );
    }
    chosen.set(m.path, { bits, groupSize, entry });
  }
  return { chosen, notDivisible };
}
