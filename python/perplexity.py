"""Perplexity of a model on a fixed text, with mlx-lm.

    python perplexity.py MODEL_DIR TEXT_FILE [--window 1024]

The text is tokenized without special tokens and scored in consecutive
windows of at most --window tokens (each window predicts its own tokens from
its own prefix), in float32 with the model's weights as stored. Prints one JSON line: {"perplexity", "tokens", "mean_nll"}.
"""
import argparse
import json
import math


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("text")
    parser.add_argument("--window", type=int, default=1024)
    args = parser.parse_args()

    import mlx.core as mx
    import mlx.nn as nn
    from mlx_lm import load

    from mlx.utils import tree_map
    from mlx_lm.utils import dequantize_model

    model, tokenizer = load(args.model)
    # Scored in float32 with the weights as stored: quantized layers are expanded to the exact
    # values they hold (MLX's CPU quantized matmul is far too slow for a whole text), so the
    # figures differ only by what quantization did to the weights.
    model = dequantize_model(model)
    model.update(tree_map(lambda p: p.astype(mx.float32), model.parameters()))
    with open(args.text, encoding="utf-8") as f:
        ids = tokenizer.encode(f.read(), add_special_tokens=False)
    total, count = 0.0, 0
    for start in range(0, len(ids) - 1, args.window):
        chunk = mx.array(ids[start : start + args.window + 1])[None]
        logits = model(chunk[:, :-1]).astype(mx.float32)
        losses = nn.losses.cross_entropy(logits, chunk[:, 1:], reduction="sum")
        total += losses.item()
        count += chunk.shape[1] - 1
    mean = total / count
    print(json.dumps({"perplexity": round(math.exp(mean), 4), "tokens": count, "mean_nll": round(mean, 6)}))


if __name__ == "__main__":
    main()
