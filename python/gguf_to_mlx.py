"""Turns a llama-architecture GGUF file into an MLX model folder.

    python gguf_to_mlx.py MODEL.gguf OUT_DIR [--dtype bfloat16]

Weights: MLX reads GGUF itself (mx.load); Q4_0/Q4_1/Q8_0 tensors arrive as
MLX affine-quantized triples, which are dequantized and written as one
safetensors file in the chosen float type. llama.cpp's converter permutes the
q/k projections for its rotary layout; that is undone so the weights match
the Hugging Face layout mlx-lm expects. Tokenizer and chat template are
rebuilt from the GGUF metadata (tokenizer.json, tokenizer_config.json).

Prints one JSON line: {"out", "tensors", "parameters", "vocab_size", "source_quantization"}.
"""
import argparse
import json
import os
import sys

LAYER_NAMES = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
    "attn_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
}
TOP_NAMES = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}
# GGUF file_type codes of the formats MLX loads quantized (others arrive as floats).
FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 32: "BF16"}


def scalar(meta, key, default=None):
    value = meta.get(key, default)
    if hasattr(value, "item"):
        return value.item()
    return value


def hf_name(gguf_name):
    parts = gguf_name.split(".")
    if parts[0] == "blk":
        return f"model.layers.{parts[1]}.{LAYER_NAMES[parts[2]]}.{parts[3]}"
    return f"{TOP_NAMES[parts[0]]}.{parts[1]}"


def unpermute(w, n_head):
    """Inverse of llama.cpp's `permute` for q/k: back to the Hugging Face rotary layout."""
    rows = w.shape[0]
    return w.reshape(n_head, rows // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def load_weights(path, meta, dtype):
    import mlx.core as mx

    raw, _ = mx.load(path, return_metadata=True)
    heads = int(scalar(meta, "llama.attention.head_count"))
    kv_heads = int(scalar(meta, "llama.attention.head_count_kv", heads))
    out = {}
    for name in sorted(raw):
        if name.endswith((".scales", ".biases")):
            continue
        w = raw[name]
        base = name[: -len(".weight")] if name.endswith(".weight") else name
        if f"{base}.scales" in raw:
            scales, biases = raw[f"{base}.scales"], raw[f"{base}.biases"]
            # Every GGUF block format MLX keeps quantized (Q4_0, Q4_1, Q8_0) has blocks of 32 weights.
            columns = scales.shape[-1] * 32
            bits = 32 * w.shape[-1] // columns
            w = mx.dequantize(w, scales, biases, group_size=32, bits=bits)
        w = w.astype(mx.float32)
        if ".attn_q." in name:
            w = unpermute(w, heads)
        elif ".attn_k." in name:
            w = unpermute(w, kv_heads)
        out[hf_name(name)] = w.astype(dtype)
    return out


def tokenizer_files(meta, context):
    tokens = list(meta["tokenizer.ggml.tokens"])
    types = [int(t) for t in meta["tokenizer.ggml.token_type"].tolist()]
    merges = list(meta["tokenizer.ggml.merges"])
    model = meta.get("tokenizer.ggml.model")
    if model != "gpt2":
        raise SystemExit(f"only byte-level BPE (gpt2) tokenizers are supported, this one is {model!r}")
    bos = int(scalar(meta, "tokenizer.ggml.bos_token_id"))
    eos = int(scalar(meta, "tokenizer.ggml.eos_token_id"))
    unk = scalar(meta, "tokenizer.ggml.unknown_token_id")
    pad = scalar(meta, "tokenizer.ggml.padding_token_id")
    # Token type 3 is "control" (special), 4 "user defined" (added but not special).
    added = [
        {"id": i, "content": tokens[i], "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": types[i] == 3}
        for i in range(len(tokens))
        if types[i] in (3, 4)
    ]
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    # llama.cpp's "smollm" pre-tokenizer is GPT-2's regex after splitting digits one by one.
    if meta.get("tokenizer.ggml.pre") == "smollm":
        pre = {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": True}, byte_level]}
    else:
        pre = byte_level
    tokenizer_json = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": pre,
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {t: i for i, t in enumerate(tokens)},
            "merges": merges,
        },
    }
    tokenizer_config = {
        "add_bos_token": bool(scalar(meta, "tokenizer.ggml.add_bos_token", False)),
        "add_prefix_space": False,
        "added_tokens_decoder": {str(a["id"]): {k: v for k, v in a.items() if k != "id"} for a in added},
        "bos_token": tokens[bos],
        "eos_token": tokens[eos],
        "unk_token": tokens[int(unk)] if unk is not None else None,
        "pad_token": tokens[int(pad)] if pad is not None else None,
        "chat_template": meta.get("tokenizer.chat_template"),
        "clean_up_tokenization_spaces": False,
        "model_max_length": context,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    special = {k: tokenizer_config[k] for k in ("bos_token", "eos_token", "unk_token", "pad_token") if tokenizer_config[k]}
    return tokenizer_json, tokenizer_config, special, bos, eos, len(tokens)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("gguf")
    parser.add_argument("out")
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    args = parser.parse_args()

    import mlx.core as mx

    _, meta = mx.load(args.gguf, return_metadata=True)
    if meta.get("general.architecture") != "llama":
        raise SystemExit(f"only llama-architecture GGUF files are supported, this one is {meta.get('general.architecture')!r}")
    context = int(scalar(meta, "llama.context_length"))
    tokenizer_json, tokenizer_config, special, bos, eos, vocab = tokenizer_files(meta, context)
    weights = load_weights(args.gguf, meta, getattr(mx, args.dtype))
    hidden = int(scalar(meta, "llama.embedding_length"))
    heads = int(scalar(meta, "llama.attention.head_count"))
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": hidden,
        "intermediate_size": int(scalar(meta, "llama.feed_forward_length")),
        "num_hidden_layers": int(scalar(meta, "llama.block_count")),
        "num_attention_heads": heads,
        "num_key_value_heads": int(scalar(meta, "llama.attention.head_count_kv", heads)),
        "head_dim": int(scalar(meta, "llama.rope.dimension_count", hidden // heads)),
        "rms_norm_eps": float(scalar(meta, "llama.attention.layer_norm_rms_epsilon")),
        "rope_theta": float(scalar(meta, "llama.rope.freq_base", 10000.0)),
        "max_position_embeddings": context,
        # The embedding may have more rows than the tokenizer has tokens (padded for speed).
        "vocab_size": int(weights["model.embed_tokens.weight"].shape[0]),
        "tie_word_embeddings": "lm_head.weight" not in weights,
        "hidden_act": "silu",
        "attention_bias": False,
        "mlp_bias": False,
        "bos_token_id": bos,
        "eos_token_id": eos,
        "torch_dtype": args.dtype,
    }

    os.makedirs(args.out, exist_ok=True)
    mx.save_safetensors(os.path.join(args.out, "model.safetensors"), weights, metadata={"format": "mlx"})

    def write(name, value):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False, indent=2 if name != "tokenizer.json" else None)
            f.write("\n")

    write("config.json", config)
    write("generation_config.json", {"bos_token_id": bos, "eos_token_id": eos})
    write("tokenizer.json", tokenizer_json)
    write("tokenizer_config.json", tokenizer_config)
    write("special_tokens_map.json", special)
    file_type = FILE_TYPES.get(scalar(meta, "general.file_type"), str(scalar(meta, "general.file_type")))
    parameters = sum(w.size for w in weights.values())
    print(json.dumps({"out": args.out, "tensors": len(weights), "parameters": parameters, "vocab_size": vocab, "source_quantization": file_type}))


if __name__ == "__main__":
    sys.exit(main())
