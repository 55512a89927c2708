import { weightConvertMode } from "./weight-mode";

/** `convert SRC DST --dequantize [--dtype T]`. */
export const dequantizeMode = weightConvertMode("dequantize");
