"""Greedy tokens of several model folders, loaded with mlx_lm one after the other.

  greedy_tokens.py MAX_TOKENS DIR [DIR ...]

Prints {"DIR": [token ids], ...} as one JSON line.
"""
import json
import sys


def main() -> None:
    max_tokens, dirs = int(sys.argv[1]), sys.argv[2:]
    import mlx.core as mx
    from mlx_lm import load
    from mlx_lm.generate import generate_step

    out = {}
    for d in dirs:
        model, tokenizer = load(d)
        prompt = mx.array(tokenizer.encode("Hello, how are you?"))
        out[d] = [int(t) for (t, _), _ in zip(generate_step(prompt, model), range(max_tokens))]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
