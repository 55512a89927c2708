"""Whetstone's distributed runner: one rank of a model sharded across an mlx.launch group.

Started by lib/distributed/start-group.ts through mlx.launch (ring backend):
  mlx.launch --backend ring (-n N | --hostfile FILE) --python PY -- distributed_bridge.py MODEL_DIR tensor|pipeline

Rank 0 speaks runner_bridge.py's protocol, unchanged, over a Unix socket that
its parent made in a private folder (WHET_CONTROL_SOCKET): mlx.launch's own
stdio relay is not used for it, because it forwards stdin to every rank, holds
output up to 0.1 s, and busy-polls the ranks' stdin pipes while any is open.
Its `ready` event carries one more field, `group`: [{"rank", "pid", "host"}].
In a pipeline whose ranks hold only their own shards (WHET_RANK_MODEL_DIRS, a
JSON list, rank 0 first), each rank loads its own copy instead of MODEL_DIR.

The other ranks read nothing from outside. Before each command rank 0 wakes
them over a plain TCP connection (WHET_WAKE_PORT, a token from WHET_GROUP_TOKEN)
and then shares the command through mx.distributed; they wait on that
connection, not in a collective, because the ring backend spins a core for as
long as a collective waits. Every rank runs the same sharded generation; after
each token rank 0's decision (go, stop string, cancel) is shared, so all leave
at the same token. A rank that leaves is seen at once (its connection closes):
rank 0 reports it on the reply being generated, naming it, and exits, so
mlx.launch stops the whole group and the app starts a new one.
"""
import json
import os
import random
import select
import socket
import sys
import threading
import time

# No rank reads the launcher's stdin (mlx.launch copies it to every rank), and
# nothing a library prints may reach the launcher's stdout as if it were ours.
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
os.dup2(2, 1)
sys.stdout = sys.stderr

import runner_bridge as bridge  # noqa: E402 -- after the descriptors are settled

RANK = int(os.environ.get("MLX_RANK", "0"))
CONNECT_S = 120


class RankLost(Exception):
    pass


def ring_ip_of_rank0():
    """The address rank 0 listens on in the ring, from the hostfile mlx.launch wrote for this group."""
    with open(os.environ["MLX_HOSTFILE"], encoding="utf-8") as f:
        nodes = json.load(f)
    return nodes[0][0].rsplit(":", 1)[0]


class Wake:
    """Rank 0's side: one connection per other rank, to wake it and to see it leave."""

    def __init__(self, size, port, token):
        server = socket.create_server((ring_ip_of_rank0(), port))
        server.settimeout(CONNECT_S)
        self.peers = {}
        self.members = [{"rank": 0, "pid": os.getpid(), "host": socket.gethostname()}]
        while len(self.peers) < size - 1:
            conn, _ = server.accept()
            conn.settimeout(CONNECT_S)
            hello = json.loads(conn.makefile("r", encoding="utf-8").readline() or "{}")
            if hello.get("token") != token or not isinstance(hello.get("rank"), int):
                conn.close()
                continue
            conn.settimeout(None)
            self.peers[hello["rank"]] = conn
            self.members.append({"rank": hello["rank"], "pid": hello.get("pid"), "host": hello.get("host")})
        server.close()
        self.members.sort(key=lambda m: m["rank"])

    def wake(self):
        for rank, conn in self.peers.items():
            try:
                conn.sendall(b"!")
            except OSError as error:
                raise RankLost(f"rank {rank} left the group ({error.strerror or error})") from error

    def watch(self, on_lost):
        """Calls on_lost(rank) when another rank's connection closes (it exited or was killed)."""

        def run():
            by_fd = {conn.fileno(): rank for rank, conn in self.peers.items()}
            while True:
                ready, _, _ = select.select(list(by_fd), [], [])
                for fd in ready:
                    on_lost(by_fd[fd])
                    return

        threading.Thread(target=run, daemon=True).start()


def follower_connection(port, token):
    """Another rank's side: connects to rank 0 (retrying while it starts) and says who it is."""
    deadline = time.monotonic() + CONNECT_S
    while True:
        try:
            conn = socket.create_connection((ring_ip_of_rank0(), port), timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    conn.settimeout(None)
    hello = {"rank": RANK, "pid": os.getpid(), "host": socket.gethostname(), "token": token}
    conn.sendall((json.dumps(hello) + "\n").encode())
    return conn


def check_stage_shards(model_dir, start, end):
    """This stage's shards are all here: mlx-lm loads a stage non-strictly, so a missing one would leave random weights."""
    import re

    with open(os.path.join(model_dir, "model.safetensors.index.json"), encoding="utf-8") as f:
        weight_map = json.load(f)["weight_map"]
    for key, file in weight_map.items():
        m = re.search(r"(?:^|\.)layers\.(\d+)\.", key)
        if (m is None or start <= int(m.group(1)) < end) and not os.path.isfile(os.path.join(model_dir, os.path.basename(file))):
            raise FileNotFoundError(f"this rank runs layers {start} to {end - 1} but its copy of the model lacks {os.path.basename(file)}")


def load(model_dir, mode, group, emit):
    from pathlib import Path

    from mlx_lm.utils import load_config, sharded_load

    emit({"type": "progress", "phase": "loading weights", "done": 2, "total": 5})
    config = load_config(Path(model_dir))
    fix = bridge.needs_a2_fix(model_dir, config)
    # An empty tokenizer config would make sharded_load trust remote code; say no explicitly.
    tokenizer_config = {"trust_remote_code": False, **({"fix_mistral_regex": True} if fix else {})}
    model, tokenizer = sharded_load(
        model_dir,
        pipeline_group=group if mode == "pipeline" else None,
        tensor_group=group if mode == "tensor" else None,
        tokenizer_config=tokenizer_config,
    )
    if mode == "pipeline":
        check_stage_shards(model_dir, model.model.start_idx, model.model.end_idx)
    emit({"type": "progress", "phase": "loading tokenizer", "done": 3, "total": 5})
    tokenizer_fix = None
    if fix:
        if not bridge.a2_applied(tokenizer):
            bridge.apply_a2_fix(tokenizer)
        tokenizer_fix = "a2-tokenizer-regex"

    # Every rank runs the warm-up pass: it holds collectives.
    emit({"type": "progress", "phase": "warming up", "done": 4, "total": 5})
    return model, tokenizer, bridge.warm_and_describe(model, tokenizer, config, tokenizer_fix)


def make_sharing(mx):
    """Rank 0 shares a JSON value with every rank: its size, then its bytes, each as one all_sum."""

    import numpy as np

    def share(value=None):
        if RANK == 0:
            data = json.dumps(value).encode()
            mx.eval(mx.distributed.all_sum(mx.array(len(data))))
            mx.eval(mx.distributed.all_sum(mx.array(np.frombuffer(data, dtype=np.uint8))))
            return value
        size = mx.distributed.all_sum(mx.array(0)).item()
        data = mx.distributed.all_sum(mx.zeros(size, dtype=mx.uint8))
        return json.loads(np.array(data).tobytes().decode())

    def agree(code):
        return int(mx.distributed.all_sum(mx.array(code if RANK == 0 else 0)).item())

    return share, agree


def reply(model, tokenizer, command, agree, cancel_requested, emit):
    import mlx.core as mx

    # Sampling draws the same numbers on every rank, so every rank picks the same token.
    mx.random.seed(int(command["seed"]))
    bridge.stream_reply(model, tokenizer, command["id"], command["prompt"], command["params"], cancel_requested, emit, agree)


def lead(model, tokenizer, wake, share, agree, lines):
    """Rank 0: takes commands from the app and leads the group through each."""
    import queue

    inbox, cancelled, state = queue.Queue(), set(), {"busy": None, "leaving": False}
    threading.Thread(target=bridge.read_commands, args=(lines, inbox, cancelled, state), daemon=True).start()

    def on_lost(rank):
        if state["leaving"]:
            return
        message = f"rank {rank} of the group left (its process exited or was killed); the group is being restarted"
        bridge.send({"type": "error", "id": state["busy"], "error_type": "RankLost", "message": message})
        print(f"[whet] {message}", file=sys.stderr, flush=True)
        os._exit(4)

    wake.watch(on_lost)
    while True:
        command = inbox.get()
        op, rid = command.get("op"), command.get("id")
        if op == "shutdown":
            state["leaving"] = True
            wake.wake()
            share({"op": "shutdown"})
            return
        if rid in cancelled:
            bridge.send({"type": "done", "id": rid, "finish_reason": "cancelled", "prompt_tokens": 0, "completion_tokens": 0})
            cancelled.discard(rid)
            continue
        try:
            if op == "encode":
                bridge.send({"type": "encoded", "id": rid, "tokens": tokenizer.encode(command.get("text", ""), add_special_tokens=False)})
                continue
            if op == "count":
                bridge.send({"type": "counted", "id": rid, "prompt_tokens": len(bridge.encode_request(tokenizer, command)[0])})
                continue
            if op != "generate":
                bridge.send({"type": "error", "id": rid, "error_type": "ProtocolError", "message": f"unknown op {op!r}"})
                continue
            # Tokenizing happens here alone: a template that rejects the messages fails this request, not the group.
            prompt, template = bridge.encode_request(tokenizer, command)
            # Refused here, on rank 0 alone, before the group is woken: the group stays in step.
            bridge.check_context(command.get("params", {}).get("context_length"), len(prompt))
        except Exception as error:  # noqa: BLE001 -- one bad request must not take the model down
            bridge.send({"type": "error", "id": rid, "error_type": type(error).__name__, "message": str(error)})
            continue
        params = command.get("params", {})
        seed = params.get("seed") if params.get("seed") is not None else random.getrandbits(32)
        state["busy"] = rid
        try:
            wake.wake()
            shared = share({"op": "generate", "id": rid, "prompt": prompt, "params": params, "seed": seed})
            bridge.send({"type": "start", "id": rid, "prompt_tokens": len(prompt), "template": template})
            reply(model, tokenizer, shared, agree, lambda: rid in cancelled, bridge.send)
        except Exception as error:  # noqa: BLE001 -- after a failure inside the group its ranks are out of step
            import traceback

            traceback.print_exc(file=sys.stderr)
            bridge.send({"type": "error", "id": rid, "error_type": "GroupFailed", "message": f"the group failed ({type(error).__name__}: {error})"})
            os._exit(4)
        finally:
            state["busy"] = None
            cancelled.discard(rid)


def follow(model, tokenizer, conn, share, agree):
    """Any other rank: waits to be woken, takes the command rank 0 shares, and runs its part."""
    while True:
        if not conn.recv(1):
            return  # rank 0 is gone: so is the group
        command = share()
        if command["op"] == "shutdown":
            return
        reply(model, tokenizer, command, agree, lambda: False, lambda _event: None)


def main():
    model_dir, mode = sys.argv[1], sys.argv[2]
    # In a pipeline whose ranks hold only their own shards, each rank has its own copy of the model.
    if os.environ.get("WHET_RANK_MODEL_DIRS"):
        model_dir = json.loads(os.environ["WHET_RANK_MODEL_DIRS"])[RANK]
    port, token = int(os.environ["WHET_WAKE_PORT"]), os.environ["WHET_GROUP_TOKEN"]
    started = time.perf_counter()
    lines = None
    if RANK == 0:
        control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        control.connect(os.environ["WHET_CONTROL_SOCKET"])
        bridge.use_protocol_stream(control.makefile("w", encoding="utf-8", buffering=1))
        lines = control.makefile("r", encoding="utf-8")
    emit = bridge.send if RANK == 0 else (lambda _event: None)
    try:
        emit({"type": "progress", "phase": "importing mlx-lm", "done": 0, "total": 5})
        import mlx.core as mx
        import mlx_lm.utils  # noqa: F401 -- the slow import, before the group is timed

        group = mx.distributed.init(backend="ring", strict=True)
        emit({"type": "progress", "phase": f"joining {group.size()} ranks", "done": 1, "total": 5})
        wake = Wake(group.size(), port, token) if RANK == 0 else None
        conn = follower_connection(port, token) if RANK != 0 else None
        model, tokenizer, info = load(model_dir, mode, group, emit)
    except BaseException as error:  # noqa: BLE001 -- every load failure is reported, never a traceback
        import traceback

        traceback.print_exc(file=sys.stderr)
        emit({"type": "load_error", "error_type": type(error).__name__, "message": f"rank {RANK}: {error}"})
        os._exit(3)
    share, agree = make_sharing(mx)
    if RANK == 0:
        emit({"type": "ready", **info, "load_s": round(time.perf_counter() - started, 3), "group": wake.members})
        lead(model, tokenizer, wake, share, agree, lines)
    else:
        try:
            follow(model, tokenizer, conn, share, agree)
        except Exception:  # noqa: BLE001 -- the group is broken; leaving lets mlx.launch stop the rest
            import traceback

            traceback.print_exc(file=sys.stderr)
            os._exit(4)
    os._exit(0)


if __name__ == "__main__":
    main()
