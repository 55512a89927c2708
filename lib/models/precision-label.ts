const DTYPES: Record<string, string> = { bfloat16: "bf16", float16: "fp16", float32: "fp32", float64: "fp64", bf16: "bf16", fp16: "fp16", fp32: "fp32" };

/**
 * How the weights are stored, in a badge's words: "4-bit" from config.json's
 * `quantization` (plus its mode when it is not mlx's affine one, e.g.
 * "4-bit mxfp4"), else the dtype ("bf16"); null when the config says neither.
 */
export function precisionLabel(config: Record<string, unknown> | null): string | null {
  const quantization = config?.quantization ?? config?.quantization_config;
  if (typeof quantization === "object" && quantization !== null) {
    const { bits, mode } = quantization as { bits?: unknown; mode?: unknown };
    if (typeof bits === "number" && Number.isInteger(bits) && bits >= 1 && bits <= 16) {
      const named = typeof mode === "string" && /^[a-z0-9]{1,16}$/.test(mode) && mode !== "affine" ? ` ${mode}` : "";
      return `${bits}-bit${named}`;
    }
  }
  const dtype = config?.torch_dtype ?? config?.dtype;
  return typeof dtype === "string" ? (DTYPES[dtype] ?? null) : null;
}
