import { expectedModules, tiesEmbeddings } from "../architectures";
import type { Finding } from "../finding";
import { listSome } from "../finding";
import { MLX_LM_MODEL_REMAPPING, MLX_LM_MODEL_TYPES } from "../mlx-lm-model-types";
import type { Rule } from "./rule";
import { allShardsReadable, tensorTable } from "./tensor-table";

const AUDIO_TYPES = /whisper|voxtral|vibevoice/;

/** Tensors mlx-lm's `sanitize` drops before loading, so they are neither missing nor unexpected. */
function sanitizedAway(name: string, tied: boolean | null): boolean {
  return name.includes("rotary_emb.inv_freq") || (tied === true && name === "lm_head.weight");
}

/** The parameter names a module may hold, as bits. */
const [WEIGHT, BIAS, SCALES, BIASES] = [1, 2, 4, 8];
const SUFFIXES = new Map([["weight", WEIGHT], ["bias", BIAS], ["scales", SCALES], ["biases", BIASES]]);

/** The model type must be one mlx-lm knows, and the shards must hold exactly the parameters its class expects. */
export const modelStructure: Rule = (facts) => {
  if (facts.config.state !== "ok") return [];
  const config = facts.config.value;
  const type = typeof config.model_type === "string" ? config.model_type : null;
  const findings: Finding[] = [];
  if (type && !AUDIO_TYPES.test(type) && !MLX_LM_MODEL_TYPES.has(type) && !(type in MLX_LM_MODEL_REMAPPING)) {
    findings.push({
      id: "model-type-unsupported",
      severity: "blocks-loading",
      message: `mlx-lm 0.32.2 has no model class for model_type '${type}'.`,
      reason: `Model type ${type} not supported.`,
      evidence: { file: "config.json", field: "model_type" },
      repair: null,
      hint: "Check model_type against the original model; if it is right, the architecture needs a newer mlx-lm (or mlx-vlm for vision models).",
    });
  }
  const modules = expectedModules(config);
  if (!modules || !allShardsReadable(facts)) return findings;

  const tied = tiesEmbeddings(config);
  // One pass over the tensors: which parameters each module path holds, as a bit set over
  // SUFFIXES (splitting names is far cheaper than building every expected name).
  const held = new Map<string, number>();
  const strays: string[] = [];
  for (const name of tensorTable(facts).keys()) {
    if (sanitizedAway(name, tied)) continue;
    const dot = name.lastIndexOf(".");
    const bit = SUFFIXES.get(name.slice(dot + 1));
    if (bit === undefined) strays.push(name);
    else {
      const path = name.slice(0, dot);
      held.set(path, (held.get(path) ?? 0) | bit);
    }
  }
  const missing: string[] = [];
  for (const module of modules) {
    const has = held.get(module.path) ?? 0;
    held.delete(module.path);
    // lm_head's absence is the tied-embeddings rule's finding.
    if (module.path === "lm_head") continue;
    const needed = WEIGHT | (module.bias ? BIAS : 0) | (has & SCALES ? BIASES : 0);
    for (const [suffix, bit] of SUFFIXES) if (needed & bit && !(has & bit)) missing.push(`${module.path}.${suffix}`);
  }
  // What is left in `held` belongs to no expected module.
  for (const [path, has] of held) for (const [suffix, bit] of SUFFIXES) if (has & bit) strays.push(`${path}.${suffix}`);
  const unexpected = strays.sort();
  if (missing.length > 0) {
    findings.push({
      id: "missing-parameters",
      severity: "blocks-loading",
      message: `${missing.length} parameter(s) the ${type} architecture needs are in no shard, e.g. '${missing[0]}'.`,
      reason: `Missing ${missing.length} parameters: ${listSome(missing)}`,
      evidence: { tensors: missing },
      repair: null,
      hint: "The weights are incomplete: download the model again, or re-convert it from the original.",
    });
  }
  if (unexpected.length > 0) {
    findings.push({
      id: "unexpected-parameters",
      severity: "blocks-loading",
      message: `${unexpected.length} tensor(s) do not belong to the ${type} architecture, e.g. '${unexpected[0]}'; mlx-lm's strict load refuses them.`,
      reason: `Received ${unexpected.length} parameters not in model: ${listSome(unexpected)}`,
      evidence: { tensors: unexpected },
      repair: null,
      hint: "Check that config.json's model_type matches the weights, or remove the stray tensors' shard.",
    });
  }
  return findings;
};

/** `tie_word_embeddings` must agree with whether an `lm_head` is stored. */
export const tiedEmbeddings: Rule = (facts) => {
  if (facts.config.state !== "ok" || !allShardsReadable(facts)) return [];
  const tied = tiesEmbeddings(facts.config.value);
  if (tied === null) return [];
  const table = tensorTable(facts);
  const hasHead = table.has("lm_head.weight");
  if (tied && hasHead) {
    return [
      {
        id: "tied-embeddings-mismatch",
        severity: "degrades-output",
        message: "tie_word_embeddings is true but lm_head.weight is stored: mlx-lm drops it and predicts with the input embeddings instead.",
        reason: "tie_word_embeddings set but lm_head present",
        evidence: { file: "config.json", field: "tie_word_embeddings", tensor: "lm_head.weight" },
        repair: null,
        hint: "If the model was trained with a separate output head, set \"tie_word_embeddings\": false in config.json.",
      },
    ];
  }
  if (!tied && !hasHead && [...table.keys()].some((n) => n.endsWith("embed_tokens.weight"))) {
    return [
      {
        id: "tied-embeddings-mismatch",
        severity: "blocks-loading",
        message: "tie_word_embeddings is false but no lm_head.weight is stored, so the model has no output layer.",
        reason: "Missing 1 parameters: lm_head.weight",
        evidence: { file: "config.json", field: "tie_word_embeddings", tensor: "lm_head.weight" },
        repair: null,
        hint: "If the model shares its embeddings with the output layer, set \"tie_word_embeddings\": true in config.json; otherwise download the model again.",
      },
    ];
  }
  return [];
};
