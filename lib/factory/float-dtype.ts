export type FloatDtype = "bfloat16" | "float16" | "float32";

export const SAFETENSORS_DTYPE = { bfloat16: "BF16", float16: "F16", float32: "F32" } as const;
