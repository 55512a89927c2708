import { configCount } from "./config-numbers";

/**
 * The parameters mlx-lm's model classes expect, for the decoder families whose
 * layout is known here (llama and its aliases, qwen2, qwen3). Other model types
 * are not checked parameter by parameter.
 */
export interface ExpectedModule {
  /** Module path, e.g. `model.layers.0.self_attn.q_proj`. */
  path: string;
  kind: "linear" | "embedding" | "norm";
  bias: boolean;
}

/** mlx-lm's defaults when the config leaves `tie_word_embeddings` out (qwen3 has none: it requires the key). */
const TIE_DEFAULT: Record<string, boolean | null> = { llama: true, mistral: true, qwen2: true, qwen3: null };

export function tiesEmbeddings(config: Record<string, unknown>): boolean | null {
  const type = String(config.model_type ?? "");
  if (typeof config.tie_word_embeddings === "boolean") return config.tie_word_embeddings;
  return TIE_DEFAULT[type] ?? null;
}

export function expectedModules(config: Record<string, unknown>): ExpectedModule[] | null {
  const type = String(config.model_type ?? "");
  if (!(type in TIE_DEFAULT)) return null;
  // Bounded: a damaged config's layer count is the config-numbers finding, not a loop.
  const layers = configCount(config, "num_hidden_layers");
  if (layers === null) return null;
  const attentionBias = type === "qwen2" ? null : config.attention_bias === true;
  const mlpBias = config.mlp_bias === true && type !== "qwen2" && type !== "qwen3";
  const modules: ExpectedModule[] = [{ path: "model.embed_tokens", kind: "embedding", bias: false }];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    for (const proj of ["q_proj", "k_proj", "v_proj", "o_proj"]) {
      // qwen2 always has biases on q/k/v and never on o.
      const bias = attentionBias ?? proj !== "o_proj";
      modules.push({ path: `${p}.self_attn.${proj}`, kind: "linear", bias });
    }
    if (type === "qwen3") {
      modules.push({ path: `${p}.self_attn.q_norm`, kind: "norm", bias: false }, { path: `${p}.self_attn.k_norm`, kind: "norm", bias: false });
    }
    for (const proj of ["gate_proj", "down_proj", "up_proj"]) modules.push({ path: `${p}.mlp.${proj}`, kind: "linear", bias: mlpBias });
    modules.push({ path: `${p}.input_layernorm`, kind: "norm", bias: false }, { path: `${p}.post_attention_layernorm`, kind: "norm", bias: false });
  }
  modules.push({ path: "model.norm", kind: "norm", bias: false });
  if (tiesEmbeddings(config) === false) modules.push({ path: "lm_head", kind: "linear", bias: false });
  return modules;
}
