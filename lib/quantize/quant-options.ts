import { z } from "zod";
import type { FloatTensorDtype } from "../tensor/float-arrays";

/** What MLX's affine mode accepts (mlx/ops.cpp). */
export const QUANT_BITS = [2, 3, 4, 5, 6, 8] as const;
export const GROUP_SIZES = [32, 64, 128] as const;
/** mlx-lm's mixed recipes (mlx_lm/convert.py QUANT_RECIPES). */
export const MIXED_RECIPES = ["mixed_2_6", "mixed_3_4", "mixed_3_6", "mixed_4_6"] as const;
/** The dtypes `mlx_lm.convert --dtype` accepts. */
export const MODEL_DTYPES = ["float16", "bfloat16", "float32"] as const;

export type MixedRecipe = (typeof MIXED_RECIPES)[number];
export type ModelDtype = (typeof MODEL_DTYPES)[number];

export const DEFAULT_BITS = 4;
export const DEFAULT_GROUP_SIZE = 64;

const listed = <T extends number>(values: readonly T[], what: string) =>
  z.coerce.number().refine((n): n is T => (values as readonly number[]).includes(n), {
    message: `${what} must be one of ${values.join(", ")}`,
  }) as unknown as z.ZodType<T>;

export const bitsSchema = listed(QUANT_BITS, "bits");
export const groupSizeSchema = listed(GROUP_SIZES, "group size");
export const recipeSchema = z.enum(MIXED_RECIPES, { message: `recipe must be one of ${MIXED_RECIPES.join(", ")}` });
export const dtypeSchema = z.enum(MODEL_DTYPES, { message: `dtype must be one of ${MODEL_DTYPES.join(", ")}` });

export const TENSOR_DTYPE: Record<ModelDtype, FloatTensorDtype> = { float16: "F16", bfloat16: "BF16", float32: "F32" };
