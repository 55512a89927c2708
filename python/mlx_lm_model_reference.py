"""Builds tiny models with mlx-lm's own classes, then converts them with mlx_lm.convert.

  mlx_lm_model_reference.py SPEC.json

SPEC is {"sources": [{"dir": DIR, "seed": N, "float32": [SUBSTRING, ...]}],
"runs": [keyword arguments for mlx_lm.convert.convert]}. Each source DIR
already holds config.json and tokenizer files; this writes its
model.safetensors: every parameter of `Model(ModelArgs.from_dict(config))`
(the layout mlx_lm.load reads back unchanged), seeded random values in
bfloat16, except tensors whose names contain a `float32` substring (as
checkpoints keep e.g. DeepSeek's router bias). The runs then convert those
sources, all in this one process (mlx-lm imports once). Prints one JSON line
with the seconds each run took.
"""
import json
import sys
from pathlib import Path

from convert_reference import convert_all


def make_source(source: dict) -> None:
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.utils import _get_classes

    config = json.loads((Path(source["dir"]) / "config.json").read_text())
    model_class, args_class = _get_classes(config)
    model = model_class(args_class.from_dict(config))
    key = mx.random.key(source["seed"])
    weights = {}
    for name, value in tree_flatten(model.parameters()):
        key, sub = mx.random.split(key)
        noise = 0.02 * mx.random.normal(value.shape, key=sub)
        # Norms start near 1 (zeros would hide the layers behind them); the
        # rest, router gates and biases included, are random so that every
        # tensor's bytes say whether it was quantized, cast or copied.
        values = 1 + noise if "norm" in name.split(".")[-2] else noise
        keep = any(s in name for s in source.get("float32", []))
        weights[name] = values.astype(mx.float32 if keep else mx.bfloat16)
    mx.save_safetensors(str(Path(source["dir"]) / "model.safetensors"), weights, metadata={"format": "mlx"})


def main() -> None:
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    for source in spec["sources"]:
        make_source(source)
    print(json.dumps({"seconds": convert_all(spec["runs"])}))


if __name__ == "__main__":
    main()
