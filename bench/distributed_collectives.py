"""Two measurements for bench/distributed.ts, run once alone and once under mlx.launch.

  all-reduce: microseconds per mx.distributed.all_sum of one hidden-size activation
              (576 bf16 values, SmolLM2's), the collective tensor parallel runs twice a layer.
  logprobs:   the log-probability of each of the single process's greedy tokens, re-scored
              by this group (one forward pass over prompt + tokens), for the reduction-order check.

Prints one JSON line from rank 0.
"""
import json
import sys
import time

import mlx.core as mx
from mlx_lm.utils import load, sharded_load

group = mx.distributed.init(backend="ring" if mx.distributed.is_available() else "any")
rank, size = group.rank(), group.size()
model_dir, tokens = sys.argv[1], json.loads(sys.argv[2])
out = {"ranks": size}

x = mx.ones((576,), dtype=mx.bfloat16)
for _ in range(20):
    mx.eval(mx.distributed.all_sum(x))
start = time.perf_counter()
for _ in range(200):
    mx.eval(mx.distributed.all_sum(x))
out["all_reduce_us"] = round((time.perf_counter() - start) / 200 * 1e6, 1)

model, tokenizer = sharded_load(model_dir, tensor_group=group) if size > 1 else load(model_dir)
prompt = tokenizer.apply_chat_template([{"role": "user", "content": "Why is the sky blue?"}], add_generation_prompt=True)
if not tokens:
    from mlx_lm.generate import generate_step

    tokens = [int(t) for (t, _), _ in zip(generate_step(mx.array(prompt), model, max_tokens=16), range(16))]
logits = model(mx.array([prompt + tokens]))[0, len(prompt) - 1 : -1].astype(mx.float32)
logprobs = logits - mx.logsumexp(logits, axis=-1, keepdims=True)
out["tokens"] = tokens
out["logprobs"] = [round(float(v), 6) for v in mx.take_along_axis(logprobs, mx.array(tokens)[:, None], axis=-1)[:, 0].tolist()]
out["greedy"] = [int(v) for v in mx.argmax(logits, axis=-1).tolist()]
if rank == 0:
    print(json.dumps(out), flush=True)
