"""What a host offers a distributed group, as one JSON line: versions, memory, the model.

Run as `python distributed_probe.py MODEL_DIR BRIDGE` here, or over ssh with the
script on stdin (`ssh HOST PYTHON - MODEL_DIR BRIDGE`) for the other machines of a
hostfile: every rank must run the same Python, mlx and mlx-lm, and find the model
and Whetstone's distributed_bridge.py at the same paths (mlx.launch copies neither).
"""
import json
import os
import platform
import sys


def model_support(model_dir):
    """Whether mlx-lm can shard this model's class by tensor (`shard`) and by pipeline (PipelineMixin)."""
    from pathlib import Path

    from mlx_lm.models.pipeline import PipelineMixin
    from mlx_lm.utils import _get_classes, load_config

    model_class, _ = _get_classes(load_config(Path(model_dir)))
    module = sys.modules[model_class.__module__]
    pipeline = any(isinstance(v, type) and issubclass(v, PipelineMixin) and v is not PipelineMixin for v in vars(module).values())
    return {"tensor": hasattr(model_class, "shard"), "pipeline": pipeline}


def main():
    model_dir, bridge = sys.argv[1], sys.argv[2]
    out = {"bridge_present": os.path.isfile(bridge), "python": platform.python_version(), "mlx": None, "mlx_lm": None, "memory_bytes": None, "model_present": False, "support": None, "support_error": None}
    try:
        out["memory_bytes"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        pass
    try:
        import mlx.core as mx

        out["mlx"] = mx.__version__
        import mlx_lm

        out["mlx_lm"] = mlx_lm.__version__
    except ImportError:
        pass
    out["model_present"] = os.path.isfile(os.path.join(model_dir, "config.json"))
    if out["model_present"] and out["mlx_lm"]:
        try:
            out["support"] = model_support(model_dir)
        except Exception as error:  # noqa: BLE001 -- an architecture mlx-lm cannot load is an answer, not a crash
            out["support_error"] = f"{type(error).__name__}: {error}"[:300]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
