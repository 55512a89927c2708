import { z } from "zod";
import type { WeightMode } from "../../lib/convert/weight-plan";
import { bitsSchema, DEFAULT_BITS, DEFAULT_GROUP_SIZE, dtypeSchema, groupSizeSchema, recipeSchema } from "../../lib/quantize/quant-options";
import { UsageError } from "../command";

type Values = Record<string, string | boolean | undefined>;

function parse<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${flag}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
  return parsed.data;
}

const optional = <T>(schema: z.ZodType<T>, value: unknown, flag: string): T | undefined =>
  value === undefined ? undefined : parse(schema, value, flag);

/**
 * The flags of the weight modes, validated: `--quantize BITS` (or `--q-bits`),
 * `--q-group-size`, `--mixed-recipe`, `--dtype`. With a recipe, BITS is only
 * the global entry mlx-lm writes; the recipe picks each layer's bits.
 */
export function weightMode(mode: WeightMode["mode"], values: Values): WeightMode {
  const dtype = optional(dtypeSchema, values.dtype, "dtype");
  if (mode === "dtype") {
    if (!dtype) throw new UsageError("--dtype needs float16, bfloat16 or float32");
    return { mode, dtype };
  }
  if (mode === "dequantize") return { mode, ...(dtype ? { dtype } : {}) };
  const rawBits = typeof values.quantize === "string" ? values.quantize : values["q-bits"];
  const bits = parse(bitsSchema, rawBits ?? DEFAULT_BITS, "quantize");
  const groupSizeGiven = optional(groupSizeSchema, values["q-group-size"], "q-group-size") ?? null;
  const recipe = optional(recipeSchema, values["mixed-recipe"], "mixed-recipe");
  return { mode, bits, groupSize: groupSizeGiven ?? DEFAULT_GROUP_SIZE, groupSizeGiven, ...(recipe ? { recipe } : {}), ...(dtype ? { dtype } : {}) };
}
