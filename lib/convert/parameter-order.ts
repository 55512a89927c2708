/**
 * The order mlx-lm's `tree_flatten(model.parameters())` gives, from names
 * alone: it follows the attribute order of each model class's `__init__`,
 * which the files do not record (headers are sorted, data is in hash order).
 * This comparator knows the common layout (embeddings, layers by number,
 * attention q/k/v/o, MLP gate/down/up, norms, final norm, lm_head) and sorts
 * anything else alphabetically after the known names. The order decides where
 * shards split in outputs over 5 GiB and the order of data within a file;
 * readers depend on neither.
 */
const RANK: Record<string, number> = {
  model: 0,
  embed_tokens: 0,
  wte: 0,
  layers: 1,
  h: 1,
  norm: 2,
  ln_f: 2,
  lm_head: 3,
  self_attn: 0,
  attention: 0,
  attn: 0,
  mlp: 1,
  feed_forward: 1,
  block_sparse_moe: 1,
  input_layernorm: 2,
  post_attention_layernorm: 3,
  q_proj: 0,
  k_proj: 1,
  v_proj: 2,
  o_proj: 3,
  gate_proj: 0,
  down_proj: 1,
  up_proj: 2,
  weight: 0,
  scales: 1,
  biases: 2,
  bias: 3,
};

function compareComponent(a: string, b: string): number {
  const na = /^\d+$/.test(a);
  const nb = /^\d+$/.test(b);
  if (na && nb) return Number(a) - Number(b);
  const ra = RANK[a];
  const rb = RANK[b];
  if (ra !== undefined && rb !== undefined && ra !== rb) return ra - rb;
  if (ra !== undefined && rb === undefined) return -1;
  if (ra === undefined && rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareParameterNames(a: string, b: string): number {
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = compareComponent(pa[i] as string, pb[i] as string);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}
