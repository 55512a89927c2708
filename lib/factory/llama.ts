import type { ModelDtype } from "../quantize/quant-options";

export interface LlamaShape {
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
  tieWordEmbeddings: boolean;
}

export const TINY_LLAMA: LlamaShape = {
  hiddenSize: 64,
  intermediateSize: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  vocabSize: 512,
  tieWordEmbeddings: false,
};

export interface TensorSpec {
  name: string;
  shape: number[];
  /** "norm" tensors start at 1.0 (as RMSNorm weights do); the rest are random. */
  init: "normal" | "norm";
}

/** The parameters mlx-lm's llama model expects, in its parameter order. */
export function llamaTensorSpecs(shape: LlamaShape): TensorSpec[] {
  const { hiddenSize: h, intermediateSize: m, heads, kvHeads, vocabSize: v } = shape;
  const kvDim = (h / heads) * kvHeads;
  const specs: TensorSpec[] = [{ name: "model.embed_tokens.weight", shape: [v, h], init: "normal" }];
  for (let i = 0; i < shape.layers; i++) {
    const p = `model.layers.${i}`;
    specs.push(
      { name: `${p}.self_attn.q_proj.weight`, shape: [h, h], init: "normal" },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kvDim, h], init: "normal" },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kvDim, h], init: "normal" },
      { name: `${p}.self_attn.o_proj.weight`, shape: [h, h], init: "normal" },
      { name: `${p}.mlp.gate_proj.weight`, shape: [m, h], init: "normal" },
      { name: `${p}.mlp.down_proj.weight`, shape: [h, m], init: "normal" },
      { name: `${p}.mlp.up_proj.weight`, shape: [m, h], init: "normal" },
      { name: `${p}.input_layernorm.weight`, shape: [h], init: "norm" },
      { name: `${p}.post_attention_layernorm.weight`, shape: [h], init: "norm" },
    );
  }
  specs.push({ name: "model.norm.weight", shape: [h], init: "norm" });
  if (!shape.tieWordEmbeddings) specs.push({ name: "lm_head.weight", shape: [v, h], init: "normal" });
  return specs;
}

export function llamaConfig(
  shape: LlamaShape,
  dtype: ModelDtype,
  tokens: { bos: number; eos: number },
): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    attention_bias: false,
    bos_token_id: tokens.bos,
    eos_token_id: tokens.eos,
    hidden_act: "silu",
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    max_position_embeddings: 2048,
    mlp_bias: false,
    model_type: "llama",
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    num_key_value_heads: shape.kvHeads,
    rms_norm_eps: 1e-5,
    rope_theta: 10000.0,
    tie_word_embeddings: shape.tieWordEmbeddings,
    torch_dtype: dtype,
    vocab_size: shape.vocabSize,
  };
}

