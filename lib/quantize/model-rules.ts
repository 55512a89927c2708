import { WhetError } from "../errors";
import { MLX_LM_MODEL_REMAPPING } from "../health/mlx-lm-model-types";

/**
 * What mlx-lm's model classes (mlx-lm 0.32.2, `mlx_lm/models/*.py`) decide
 * about quantization beyond the generic rule, for the model types Whetstone
 * converts: which layers a `quant_predicate` keeps at 8 bits, which tensors a
 * `cast_predicate` keeps in their dtype, and which modules hold a bare weight
 * array (no `to_quantized`, so never quantized). Types whose classes carry
 * rules not mirrored here are refused rather than converted differently.
 * Tables are keyed by the mlx-lm module whose classes load the model (see
 * `mlxLmClassType`), not by config.json's model_type.
 */
export interface ModelRules {
  /** Module paths matched by these get `{"group_size": 64, "bits": 8}` (a `quant_predicate` dict). */
  eightBit: ((path: string) => boolean)[];
  /** Substrings of tensor names that `--dtype` leaves alone. */
  keepDtype: string[];
  /** Path suffixes of modules holding a bare weight (router gates written as plain arrays). */
  bareWeights: string[];
}

const endsWith = (...suffixes: string[]) => (path: string) => suffixes.some((s) => path.endsWith(s));

const EIGHT_BIT: Record<string, ModelRules["eightBit"]> = {
  qwen3_moe: [endsWith("mlp.gate")],
  mellum: [endsWith("mlp.gate")],
  Klear: [endsWith("mlp.gate")],
  qwen3_next: [endsWith("mlp.gate", "shared_expert_gate")],
  lfm2_moe: [endsWith("feed_forward.gate")],
  minimax: [endsWith("block_sparse_moe.gate")],
  laguna: [endsWith("mlp.gate.proj")],
  afmoe: [(p) => p.includes("router.gate")],
  bailing_moe: [endsWith("mlp.gate.gate_proj")],
  bailing_moe_linear: [endsWith("mlp.gate.gate_proj")],
  gemma4_text: [endsWith("router.proj")],
  gpt_oss: [endsWith("router")],
  jamba: [endsWith("router")],
  granite: [endsWith("self_attn.o_proj", "mlp.down_proj"), (p) => p === "lm_head"],
  granitemoe: [endsWith("block_sparse_moe.router.layer", "self_attn.o_proj", "mlp.down_proj"), (p) => p === "lm_head"],
  longcat_flash: [endsWith("classifier")],
};

const KEEP_DTYPE: Record<string, string[]> = {
  Klear: ["expert_bias"],
  afmoe: ["expert_bias"],
  bailing_moe: ["expert_bias"],
  bailing_moe_linear: ["expert_bias"],
  lfm2_moe: ["expert_bias"],
  deepseek_v3: ["e_score_correction_bias"],
  deepseek_v32: ["e_score_correction_bias"],
  exaone_moe: ["e_score_correction_bias"],
  glm4_moe: ["e_score_correction_bias"],
  glm4_moe_lite: ["e_score_correction_bias"],
  laguna: ["e_score_correction_bias"],
  longcat_flash: ["e_score_correction_bias"],
  mimo_v2_flash: ["e_score_correction_bias"],
  minimax: ["e_score_correction_bias"],
  nemotron_h: ["e_score_correction_bias", "A_log"],
};

const BARE_WEIGHTS: Record<string, string[]> = {
  deepseek: ["mlp.gate"],
  deepseek_v2: ["mlp.gate"],
  deepseek_v3: ["mlp.gate"],
  deepseek_v32: ["mlp.gate"],
  dots1: ["mlp.gate"],
  exaone_moe: ["mlp.gate"],
  glm4_moe: ["mlp.gate"],
  glm4_moe_lite: ["mlp.gate"],
  mimo_v2_flash: ["mlp.gate"],
  nemotron_h: ["mixer.gate"],
};

/**
 * Model types whose mlx-lm classes quantize or cast by rules Whetstone does
 * not reproduce (path-dependent bit choices, absorbed matrices kept in float,
 * packed ternary weights, per-expert global scales, ...).
 */
const NOT_MIRRORED = new Set([
  "bailing_hybrid",
  "bailing_moe_v3",
  "bitnet",
  "deepseek_v41",
  "iquestloopcoder",
  "kimi_k25",
  "kimi_k3",
  "kimi_linear",
  "kimi_vl",
  "longcat_flash_ngram",
  "minimax_m3_vl",
  "muse_glimmer",
  "muse_spark",
  "prism_hadamard_qwen35",
  "qwen3_5",
  "qwen3_5_moe",
  "qwen3_vl_moe",
  "granitemoehybrid",
  "recurrent_gemma",
  "rwkv7",
  "spark2_5",
  "step3p5",
  "gemma4",
]);

/** Config keys and tensor-name parts of vision and audio towers, which mlx-lm's text pipeline does not quantize. */
const TOWER_CONFIG_KEYS = ["vision_config", "audio_config", "vision_tower_config", "speech_config"];
const TOWER_TENSOR_PARTS = [
  "vision_tower.",
  "vision_model.",
  "visual.",
  "multi_modal_projector.",
  "mm_projector.",
  "audio_tower.",
  "audio_model.",
  "audio_encoder.",
  "embed_vision.",
  "embed_audio.",
  "vision_encoder.",
  "image_newline",
];

/** Modules that load another module's Model class (solar_open) or a subclass with its parameters and predicates (glm_moe_dsa). */
const CLASS_ALIASES: Record<string, string> = { solar_open: "glm4_moe", glm_moe_dsa: "deepseek_v32" };

/**
 * The mlx-lm module whose classes, and so whose rules, load a model_type:
 * mlx-lm's MODEL_REMAPPING first (kimi_k2 is deepseek_v3, minimax_m2 is
 * minimax), then modules that reuse another's Model.
 */
export function mlxLmClassType(modelType: string): string {
  const remapped = MLX_LM_MODEL_REMAPPING[modelType] ?? modelType;
  return CLASS_ALIASES[remapped] ?? remapped;
}

export function modelRules(modelType: string): ModelRules {
  const type = mlxLmClassType(modelType);
  return { eightBit: EIGHT_BIT[type] ?? [], keepDtype: KEEP_DTYPE[type] ?? [], bareWeights: BARE_WEIGHTS[type] ?? [] };
}

/** Hugging Face's one-module-per-expert tensors, which mlx-lm's `sanitize` stacks into `switch_mlp` as it loads. */
const PER_EXPERT = /(^|\.)experts\.\d+\./;

/**
 * Refuses, before anything is written, a model whose weights Whetstone would
 * not convert the way mlx-lm does: vision or audio towers, a model type with
 * rules not mirrored here, or experts stored one by one (Whetstone does not
 * run mlx-lm's `sanitize`, so it would quantize each expert on its own and
 * write a model mlx-lm cannot load).
 */
export function assertConvertible(params: { modelType: string | undefined; config: Record<string, unknown>; tensorNames: readonly string[] }): void {
  const { modelType, config, tensorNames } = params;
  const towerKey = TOWER_CONFIG_KEYS.find((k) => config[k] !== undefined && config[k] !== null);
  const towerTensor = tensorNames.find((n) => TOWER_TENSOR_PARTS.some((part) => n.includes(part)));
  if (towerKey || towerTensor) {
    const audio = (towerKey ?? towerTensor ?? "").includes("audio") || (towerKey ?? "").includes("speech");
    throw new WhetError(
      audio ? "audio_model_unsupported" : "vision_model_unsupported",
      `This is a ${audio ? "speech/audio" : "vision"} model (${towerKey ? `config.json has "${towerKey}"` : `tensor '${towerTensor}'`}): mlx-lm's text pipeline does not quantize its ${audio ? "audio" : "vision"} tower, so Whetstone does not either`,
      audio
        ? "Convert speech and audio models with the tool made for them (mlx-audio or mlx-whisper); Whetstone quantizes text models."
        : "Convert vision models with mlx-vlm (`mlx_vlm.convert --quantize`); Whetstone quantizes text models.",
      { model_type: modelType ?? null, evidence: towerKey ?? towerTensor },
    );
  }
  if (modelType === undefined) {
    throw new WhetError(
      "model_type_missing",
      "config.json has no model_type, so neither mlx-lm nor Whetstone knows the architecture",
      "Add the model_type of the original model to config.json (see `whet health`), then convert again.",
    );
  }
  const classType = mlxLmClassType(modelType);
  if (NOT_MIRRORED.has(classType)) {
    throw new WhetError(
      "model_type_unsupported",
      `Whetstone does not yet reproduce mlx-lm's quantization rules for model_type '${modelType}'${classType === modelType ? "" : ` (mlx-lm loads it as '${classType}')`}`,
      `Its mlx-lm class quantizes some layers by its own rules; use \`mlx_lm.convert --quantize\` for this model.`,
      { model_type: modelType },
    );
  }
  // dbrx alone keeps a list of expert modules, so its MLX layout has per-expert names.
  const perExpert = classType === "dbrx" ? undefined : tensorNames.find((n) => PER_EXPERT.test(n));
  if (perExpert !== undefined) {
    throw new WhetError(
      "source_layout_unsupported",
      `The source stores its experts one by one (tensor '${perExpert}'), as Hugging Face checkpoints do: mlx-lm stacks them into switch_mlp as it loads, which Whetstone does not reproduce`,
      "Quantize this checkpoint with `mlx_lm.convert --quantize`, or let Whetstone quantize its MLX conversion (`mlx_lm.convert` without --quantize, or an mlx-community upload).",
      { model_type: modelType, evidence: perExpert },
    );
  }
}
