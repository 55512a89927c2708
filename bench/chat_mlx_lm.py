"""The baseline for bench/chat.ts: the same prompt through mlx-lm directly.

    python chat_mlx_lm.py MODEL_DIR PROMPT MAX_TOKENS

Loads the model, prints {"ready": true}, then answers each line on stdin with
one timed generation (greedy, no repetition penalty, the model's chat
template), so the benchmark can alternate it with Whetstone's paths under the
same machine load. Time to first text counts from before the chat template
is applied; tokens per second counts the tokens after the first over the time
after the first, as Whetstone's front ends are measured. Each answer is one
JSON line: {"ttft_ms", "tokens_per_second", "tokens", "text"}.
"""
import json
import sys
import time


def main():
    model_dir, prompt, max_tokens = sys.argv[1], sys.argv[2], int(sys.argv[3])
    from mlx_lm import load, stream_generate
    from mlx_lm.sample_utils import make_sampler

    model, tokenizer = load(model_dir)
    sampler = make_sampler(temp=0.0)
    print(json.dumps({"ready": True}), flush=True)
    for _ in sys.stdin:
        started = time.perf_counter()
        ids = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True)
        first = last = None
        tokens, text = 0, ""
        for response in stream_generate(model, tokenizer, ids, max_tokens=max_tokens, sampler=sampler):
            now = time.perf_counter()
            if response.finish_reason == "stop":
                break
            tokens += 1
            text += response.text
            # Timed from the first visible text, as a client of Whetstone sees it.
            if first is None and response.text:
                first = now
            last = now
        print(json.dumps({
            "ttft_ms": (first - started) * 1000,
            "tokens_per_second": (tokens - 1) / (last - first) if tokens > 1 and last > first else None,
            "tokens": tokens,
            "text": text,
        }), flush=True)


if __name__ == "__main__":
    main()
