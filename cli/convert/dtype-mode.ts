import { weightConvertMode } from "./weight-mode";

/** `convert SRC DST --dtype float16|bfloat16|float32`. */
export const dtypeMode = weightConvertMode("dtype");
