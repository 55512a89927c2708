import { weightConvertMode } from "./weight-mode";

/** `convert SRC DST --quantize BITS [--q-group-size G] [--mixed-recipe R] [--dtype T]`. */
export const quantizeMode = weightConvertMode("quantize");
