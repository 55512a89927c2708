import { mlxLmClassType } from "../quantize/model-rules";

/**
 * The order mlx-lm's `tree_flatten(model.parameters())` gives, from names
 * alone: it follows the attribute order of each model class's `__init__`,
 * which the files do not record (headers are sorted, data is in hash order).
 * This knows the common layout (embeddings, layers by number, attention
 * q/k/v/o and MLA's projections, the MLP's and SwitchGLU's gate/up/down and
 * the MoE block's router and experts in the order each class of mlx-lm 0.32.2
 * builds them, norms, final norm, lm_head) and sorts anything else
 * alphabetically after the known names.
 * The order decides the order of the per-layer entries in config.json's
 * "quantization", where shards split in outputs over 5 GiB and the order of
 * data within a file; readers depend on none of them.
 */

/** Each inner list ranks siblings as one class builds them; `a|b` share a rank. */
function ranks(groups: string[][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const group of groups) group.forEach((names, rank) => names.split("|").forEach((name) => out.set(name, rank)));
  return out;
}

const COMMON = ranks([
  ["model|backbone|embed_tokens|embeddings|wte", "layers|h", "norm|norm_f|ln_f", "lm_head"],
  ["self_attn|attention|attn", "mlp|feed_forward|block_sparse_moe", "input_layernorm", "post_attention_layernorm"],
  // Standard attention merged with MLA's (deepseek_v2/v3, glm4_moe_lite, mistral4): both orders hold.
  ["q_proj", "q_a_proj", "q_a_layernorm", "q_b_proj", "k_proj", "v_proj", "kv_a_proj_with_mqa", "kv_a_layernorm", "kv_b_proj", "embed_q", "unembed_out", "o_proj"],
  // Most dense MLPs (llama's and its kin) build gate, down, up.
  ["gate_proj", "down_proj", "up_proj"],
  ["weight", "scales", "biases", "bias"],
]);

// SwitchGLU (switch_layers.py) builds gate_proj, up_proj, down_proj, and so do the dense MLPs of
// these types (those without a gate build up_proj before down_proj).
const GATE_UP_DOWN = ranks([["gate_proj", "up_proj", "down_proj"]]);
const SWITCH_GLU_PARENTS = new Set(["switch_mlp", "experts", "switch_glu"]);
const GATE_UP_DOWN_TYPES = new Set([
  "apertus",
  "baichuan_m1",
  "cohere",
  "cohere2",
  "deepseek",
  "deepseek_v2",
  "deepseek_v3",
  "deepseek_v32",
  "dots1",
  "exaone_moe",
  "falcon_h1",
  "gear",
  "gemma3n",
  "glm4_moe",
  "glm4_moe_lite",
  "helium",
  "jamba",
  "lfm2_moe",
  "lille-130m",
  "llama4_text",
  "longcat_flash",
  "mimo_v2_flash",
  "minicpm",
  "minicpm3",
  "mistral4",
  "muse_glimmer",
  "nemotron_h",
  "olmo_hybrid",
  "phi3small",
  "plamo",
  "youtu_llm",
]);

// Most MoE blocks build the router before the experts; the types below build the experts first.
const ROUTER_FIRST = ranks([["gate|router", "switch_mlp|experts", "shared_expert|shared_experts", "shared_expert_gate"]]);
const EXPERTS_FIRST = ranks([["switch_mlp|experts", "gate|router", "shared_expert|shared_experts", "shared_expert_gate"]]);
const EXPERTS_FIRST_TYPES = new Set([
  "bailing_moe",
  "bailing_moe_linear",
  "deepseek",
  "deepseek_v2",
  "deepseek_v3",
  "deepseek_v32",
  "dots1",
  "exaone_moe",
  "glm4_moe",
  "glm4_moe_lite",
  "gpt_oss",
  "granitemoe",
  "llama4",
  "longcat_flash",
  "mimo_v2_flash",
  "mistral4",
  "nemotron_h",
  "phixtral",
]);

/** A comparator of parameter names in the order mlx-lm's class for `modelType` gives them. */
export function parameterOrder(modelType: string): (a: string, b: string) => number {
  const type = mlxLmClassType(modelType);
  const moe = EXPERTS_FIRST_TYPES.has(type) ? EXPERTS_FIRST : ROUTER_FIRST;
  const gateUpDown = (parent: string | undefined) => GATE_UP_DOWN_TYPES.has(type) || (parent !== undefined && SWITCH_GLU_PARENTS.has(parent));
  const rank = (name: string, parent: string | undefined) => (gateUpDown(parent) ? GATE_UP_DOWN.get(name) : undefined) ?? moe.get(name) ?? COMMON.get(name);
  const compareComponent = (a: string, b: string, parent: string | undefined): number => {
    const na = /^\d+$/.test(a);
    const nb = /^\d+$/.test(b);
    if (na && nb) return Number(a) - Number(b);
    const ra = rank(a, parent);
    const rb = rank(b, parent);
    if (ra !== undefined && rb !== undefined && ra !== rb) return ra - rb;
    if (ra !== undefined && rb === undefined) return -1;
    if (ra === undefined && rb !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return (a, b) => {
    const pa = a.split(".");
    const pb = b.split(".");
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const c = compareComponent(pa[i] as string, pb[i] as string, pa[i - 1]);
      if (c !== 0) return c;
    }
    return pa.length - pb.length;
  };
}
