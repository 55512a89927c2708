"""Loads a model folder with mlx-lm and greedily generates a few tokens.

Prints one JSON line: {"tokens": [...], "text": "...", "load_s": .., "generate_s": ..}.
Used by Whetstone to prove a workspace is runnable, not only well-formed.
"""
import json
import sys
import time


def main() -> None:
    path, max_tokens, prompt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    import mlx.core as mx
    from mlx_lm import load
    from mlx_lm.generate import generate_step

    started = time.perf_counter()
    model, tokenizer = load(path)
    loaded = time.perf_counter()
    ids = mx.array(tokenizer.encode(prompt))
    tokens = [int(t) for (t, _), _ in zip(generate_step(ids, model), range(max_tokens))]
    done = time.perf_counter()
    print(json.dumps({
        "tokens": tokens,
        "text": tokenizer.decode(tokens),
        "load_s": round(loaded - started, 3),
        "generate_s": round(done - loaded, 3),
    }))


if __name__ == "__main__":
    main()
