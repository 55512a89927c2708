"""Whetstone's model runner: one mlx-lm model behind JSON lines on stdin/stdout.

Started by lib/runner/runner-process.ts as `python runner_bridge.py MODEL_DIR`.
It never opens a socket: the only way in is the pipe its parent holds, so the
model is never reachable from outside the app.

Out (one JSON object per line):
  {"type": "progress", "phase", "done", "total"}   while loading
  {"type": "ready", "model_type", "context_length", "chat_template", "tokenizer_fix", "load_s"}
  {"type": "load_error", "error_type", "message"}  then exit 3
  {"type": "pong", "id", "busy"}
  {"type": "start", "id", "prompt_tokens", "template"}
  {"type": "token", "id", "text"}                    decoded text: the first token at once, then at most every FLUSH_S
  {"type": "done", "id", "finish_reason", "prompt_tokens", "completion_tokens", "generation_tps", "prompt_tps"}
  {"type": "encoded", "id", "tokens"}
  {"type": "counted", "id", "prompt_tokens"}          the prompt a `generate` with these messages (or prompt) would read
  {"type": "error", "id", "error_type", "message"}
In: {"op": "generate" | "encode" | "count" | "cancel" | "ping" | "shutdown", "id", ...}.

Generation runs on the main thread; a reader thread takes commands, so a
cancel lands between two tokens (the loop stops computing, not only sending)
and a ping is answered even while a long reply is being generated.
"""
import json
import os
import queue
import sys
import threading
import time

_proto = None
_write_lock = threading.Lock()


def claim_stdout():
    """Libraries print to stdout (warnings, progress bars); fd 1 must carry only our
    protocol, so keep a private copy of it and point fd 1 at stderr."""
    use_protocol_stream(os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1))
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def claim_stdin():
    """Libraries read stdin too: transformers asks "Do you wish to run the custom code? [y/N]"
    there (and waits 15 s) when a tokenizer wants trust_remote_code. Commands come on a
    private copy of fd 0; fd 0 itself reads /dev/null, so such a question fails at once and
    nothing a model loads can take a command line. Returns the command stream."""
    commands = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(os.devnull, encoding="utf-8")
    return commands


def use_protocol_stream(stream):
    """Where `send` writes: the private stdout, or (python/distributed_bridge.py) rank 0's control socket."""
    global _proto
    _proto = stream


def send(event):
    line = json.dumps(event, ensure_ascii=False)
    with _write_lock:
        _proto.write(line + "\n")
        _proto.flush()


# Catalog A2: transformers 4.39.0-4.57.2 wrote Mistral tokenizers with a
# Llama-3 style pre-tokenizer regex. transformers' own fix (the
# `fix_mistral_regex` flag, passed through mlx-lm's tokenizer_config) swaps in
# the pattern below; we check that it took and apply it ourselves if not.
A2_REGEX = (
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*"
    r"|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
MISTRAL_FAMILY = {"mistral", "mistral3", "ministral", "pixtral", "voxtral"}


def _version_tuple(text):
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (3 - len(parts)))


def _split_pattern(tokenizer_json):
    pre = tokenizer_json.get("pre_tokenizer") or {}
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else [pre]
    for step in steps:
        if isinstance(step, dict) and step.get("type") == "Split":
            pattern = step.get("pattern") or {}
            return pattern.get("Regex") or pattern.get("String")
    return None


def needs_a2_fix(model_dir, config):
    """A Mistral-family tokenizer written by an affected transformers whose split regex is not the corrected one.

    Llama-family models from the same transformers versions are left alone:
    their Llama-3 regex is the one they were trained with, and replacing it
    would change how they split numbers and contractions.
    """
    version = config.get("transformers_version")
    if config.get("model_type") not in MISTRAL_FAMILY or not version:
        return False
    if not ((4, 39, 0) <= _version_tuple(version) <= (4, 57, 2)):
        return False
    try:
        with open(os.path.join(model_dir, "tokenizer.json"), encoding="utf-8") as f:
            pattern = _split_pattern(json.load(f))
    except (OSError, ValueError):
        return False
    return pattern != A2_REGEX


def apply_a2_fix(tokenizer_wrapper):
    """Puts the corrected split first in the pre-tokenizer; keeps ByteLevel or Metaspace after it."""
    import tokenizers

    hf = getattr(tokenizer_wrapper, "_tokenizer", tokenizer_wrapper)
    backend = hf.backend_tokenizer
    split = tokenizers.pre_tokenizers.Split(pattern=tokenizers.Regex(A2_REGEX), behavior="isolated")
    current = backend.pre_tokenizer
    if isinstance(current, tokenizers.pre_tokenizers.Sequence):
        current[0] = split
    elif current is None:
        backend.pre_tokenizer = split
    else:
        backend.pre_tokenizer = tokenizers.pre_tokenizers.Sequence([split, current])


def a2_applied(tokenizer_wrapper):
    hf = getattr(tokenizer_wrapper, "_tokenizer", tokenizer_wrapper)
    state = json.loads(hf.backend_tokenizer.to_str())
    return _split_pattern(state) == A2_REGEX


def load(model_dir):
    steps = 5
    send({"type": "progress", "phase": "importing mlx-lm", "done": 0, "total": steps})
    from pathlib import Path

    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.utils import load_model, load_tokenizer

    path = Path(model_dir)
    send({"type": "progress", "phase": "reading config", "done": 1, "total": steps})
    model, config = load_model(path, lazy=True)

    # Materialise the weights in slices so the page can show how far loading got.
    send({"type": "progress", "phase": "loading weights", "done": 2, "total": steps})
    params = [p for _, p in tree_flatten(model.parameters())]
    total_bytes = sum(p.nbytes for p in params) or 1
    done_bytes, batch, batch_bytes = 0, [], 0
    for p in params:
        batch.append(p)
        batch_bytes += p.nbytes
        if batch_bytes >= 32 * 1024 * 1024:
            mx.eval(batch)
            done_bytes += batch_bytes
            batch, batch_bytes = [], 0
            send({"type": "progress", "phase": "loading weights", "done": 2 + done_bytes / total_bytes, "total": steps})
    mx.eval(batch)

    send({"type": "progress", "phase": "loading tokenizer", "done": 3, "total": steps})
    fix = needs_a2_fix(model_dir, config)
    extra = {"fix_mistral_regex": True} if fix else None
    try:
        tokenizer = load_tokenizer(path, extra, eos_token_ids=config.get("eos_token_id"))
    except TypeError as error:
        # Some transformers 5.x releases reject the flag (duplicate keyword); patch after loading instead.
        if not fix or "fix_mistral_regex" not in str(error):
            raise
        tokenizer = load_tokenizer(path, None, eos_token_ids=config.get("eos_token_id"))
    tokenizer_fix = None
    if fix:
        if not a2_applied(tokenizer):
            apply_a2_fix(tokenizer)
        tokenizer_fix = "a2-tokenizer-regex"

    send({"type": "progress", "phase": "warming up", "done": 4, "total": steps})
    return model, tokenizer, warm_and_describe(model, tokenizer, config, tokenizer_fix)


def warm_and_describe(model, tokenizer, config, tokenizer_fix):
    """One forward pass compiles the kernels, so the first reply's time to first token is
    honest (on a group every rank takes part: it holds collectives); then what `ready` says."""
    import mlx.core as mx
    from mlx_lm.models.cache import make_prompt_cache

    warm = mx.array([[tokenizer.eos_token_id or 0]])
    mx.eval(model(warm, cache=make_prompt_cache(model)))
    context = config.get("max_position_embeddings") or config.get("text_config", {}).get("max_position_embeddings")
    return {
        "model_type": config.get("model_type"),
        "context_length": context,
        "chat_template": bool(getattr(tokenizer, "chat_template", None)),
        "tokenizer_fix": tokenizer_fix,
    }


# Longest a generated token waits in the bridge before it is sent on. Each line that leaves costs
# the app and its client about a millisecond of CPU (waking Node, the SSE or tRPC stream plumbing,
# the client's parse), and on the CPU backend of a small machine that millisecond comes out of
# generation itself: with a 1,300 tok/s model on 2 cores, lines every 25 ms cost the OpenAI API
# and the chat page 3-4 % of mlx-lm's speed, every 100 ms about 1 %. Ten updates a second still
# read as streaming, and a model slower than that still sends each token as it comes.
FLUSH_S = 0.1


class Cancelled(Exception):
    pass


class ContextLengthExceeded(Exception):
    """The prompt leaves no room for a reply in the model's context (mlx-knife refuses it too)."""


def check_context(context_length, prompt_tokens):
    if isinstance(context_length, int) and not isinstance(context_length, bool) and 0 < context_length <= prompt_tokens:
        raise ContextLengthExceeded(
            f"The prompt is {prompt_tokens} tokens and the model's context holds {context_length}, "
            f"so no token is left for a reply: shorten it by at least {prompt_tokens - context_length + 1} tokens"
        )


# mlx-knife 2.0.8's default reply length: what the context has left after the prompt, at most this.
REPLY_CAP = 32768


def reply_budget(asked, context_length, prompt_tokens):
    """Most tokens a reply may have: `asked` when given, else min(REPLY_CAP, context left after the prompt).

    `context_length` comes from the model's config.json (the `ready` line); unknown, the cap alone bounds it.
    """
    if asked is not None:
        return int(asked)
    if not isinstance(context_length, int) or isinstance(context_length, bool) or context_length <= 0:
        return REPLY_CAP
    return max(0, min(REPLY_CAP, context_length - prompt_tokens))


def chat_prompt(tokenizer, messages):
    if getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True)
        if hasattr(ids, "keys"):  # transformers 5 may hand back a BatchEncoding
            ids = ids["input_ids"]
        return list(ids), "model"
    # No template in the model: a plain transcript, so base models still answer.
    text = "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant:"
    return tokenizer.encode(text), "plain"


def held_back(text, stops):
    """How many trailing characters might be the start of a stop string (held until we know)."""
    keep = 0
    for stop in stops:
        for n in range(min(len(stop) - 1, len(text)), 0, -1):
            if text.endswith(stop[:n]):
                keep = max(keep, n)
                break
    return keep


def encode_request(tokenizer, request):
    """The prompt's token ids and how they were made: the model's chat template, a plain transcript, or raw text."""
    if "messages" in request:
        return chat_prompt(tokenizer, request["messages"])
    return tokenizer.encode(request.get("prompt", "")), "none"


# What a process wants after a token, and (in a group) what rank 0 decided for every rank.
GO, STOP, CANCEL = 0, 1, 2


def alone(code):
    return code


def stream_reply(model, tokenizer, rid, prompt, params, cancel_requested, emit, agree=alone):
    """Generates one reply, emitting tokens and the final `done`.

    `agree` turns this process's wish after each token (GO, STOP at a stop string,
    CANCEL) into the decision: its own wish when alone; rank 0's in a distributed
    group, so that every rank leaves the loop at the same token.
    """
    from mlx_lm import stream_generate
    from mlx_lm.sample_utils import make_logits_processors, make_sampler

    sampler = make_sampler(temp=float(params.get("temperature", 0.7)), top_p=float(params.get("top_p", 1.0)))
    penalty = params.get("repetition_penalty")
    processors = make_logits_processors(repetition_penalty=penalty) if penalty and penalty != 1.0 else None
    stops = [s for s in params.get("stop", []) if s]

    def on_prompt_progress(_done, _total):
        if agree(CANCEL if cancel_requested() else GO) == CANCEL:
            raise Cancelled()

    # shown: some text has gone out; until then every token is sent at once (time to first text).
    pending, completion, finish, last, flushed, shown = "", 0, "length", None, 0.0, False
    try:
        for last in stream_generate(
            model,
            tokenizer,
            prompt,
            max_tokens=reply_budget(params.get("max_tokens"), params.get("context_length"), len(prompt)),
            sampler=sampler,
            logits_processors=processors,
            prompt_progress_callback=on_prompt_progress,
        ):
            if last.finish_reason == "stop":
                finish = "stop"  # the end-of-sequence token: not part of the reply
            else:
                completion += 1
            pending += last.text
            hit = min((i for i in (pending.find(s) for s in stops) if i >= 0), default=-1) if stops else -1
            decision = agree(STOP if hit >= 0 else CANCEL if cancel_requested() else GO)
            if decision == STOP:
                if hit > 0:
                    emit({"type": "token", "id": rid, "text": pending[:hit]})
                pending, finish = "", "stop"
                break
            cut = len(pending) - held_back(pending, stops) if stops else len(pending)
            # The first token goes out at once, even when it decodes to nothing yet: it times the reply.
            # After it, text is sent at most every FLUSH_S: a slow model still sends every token as it
            # comes, a fast one sends many tokens per line (see FLUSH_S for what each line costs).
            now = time.perf_counter()
            if completion == 1 or (cut > 0 and (not shown or now - flushed >= FLUSH_S)):
                emit({"type": "token", "id": rid, "text": pending[:cut]})
                pending, flushed, shown = pending[cut:], now, shown or cut > 0
            if decision == CANCEL:
                finish = "cancelled"
                break
    except Cancelled:
        finish = "cancelled"
    if pending:
        emit({"type": "token", "id": rid, "text": pending})
    emit({
        "type": "done",
        "id": rid,
        "finish_reason": finish,
        "prompt_tokens": len(prompt),
        "completion_tokens": completion,
        "prompt_tps": round(last.prompt_tps, 2) if last else None,
        "generation_tps": round(last.generation_tps, 2) if last else None,
    })


def generate(model, tokenizer, request, cancelled):
    import mlx.core as mx

    rid = request["id"]
    params = request.get("params", {})
    prompt, template = encode_request(tokenizer, request)
    check_context(params.get("context_length"), len(prompt))
    send({"type": "start", "id": rid, "prompt_tokens": len(prompt), "template": template})
    if params.get("seed") is not None:
        mx.random.seed(int(params["seed"]))
    stream_reply(model, tokenizer, rid, prompt, params, lambda: rid in cancelled, send)


def read_commands(lines, inbox, cancelled, state):
    for line in lines:
        try:
            command = json.loads(line)
        except ValueError:
            continue
        op = command.get("op")
        if op == "ping":
            send({"type": "pong", "id": command.get("id"), "busy": state.get("busy")})
        elif op == "cancel":
            cancelled.add(command.get("id"))
        else:
            inbox.put(command)
    # The parent closed our channel (it exited or dropped us): stop what we are doing and leave.
    cancelled.add(state.get("busy"))
    inbox.put({"op": "shutdown"})


def main():
    claim_stdout()
    commands = claim_stdin()
    model_dir = sys.argv[1]
    started = time.perf_counter()
    try:
        model, tokenizer, info = load(model_dir)
    except BaseException as error:  # noqa: BLE001 -- every load failure is reported, never a traceback
        import traceback

        traceback.print_exc(file=sys.stderr)
        send({"type": "load_error", "error_type": type(error).__name__, "message": str(error)})
        sys.exit(3)
    send({"type": "ready", **info, "load_s": round(time.perf_counter() - started, 3)})

    inbox, cancelled, state = queue.Queue(), set(), {"busy": None}
    threading.Thread(target=read_commands, args=(commands, inbox, cancelled, state), daemon=True).start()
    while True:
        command = inbox.get()
        op = command.get("op")
        if op == "shutdown":
            break
        rid = command.get("id")
        try:
            if rid in cancelled:
                send({"type": "done", "id": rid, "finish_reason": "cancelled", "prompt_tokens": 0, "completion_tokens": 0})
            elif op == "generate":
                state["busy"] = rid
                generate(model, tokenizer, command, cancelled)
            elif op == "encode":
                send({"type": "encoded", "id": rid, "tokens": tokenizer.encode(command.get("text", ""), add_special_tokens=False)})
            elif op == "count":
                send({"type": "counted", "id": rid, "prompt_tokens": len(encode_request(tokenizer, command)[0])})
            else:
                send({"type": "error", "id": rid, "error_type": "ProtocolError", "message": f"unknown op {op!r}"})
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # noqa: BLE001 -- one bad request must not take the model down
            # BaseException: the tokenizers library raises a Rust panic (pyo3 PanicException, not an
            # Exception) when a model's regex backtracks past Oniguruma's retry limit.
            import traceback

            traceback.print_exc(file=sys.stderr)
            send({"type": "error", "id": rid, "error_type": type(error).__name__, "message": str(error)})
        finally:
            state["busy"] = None
            cancelled.discard(rid)
    _proto.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
