"""Reference results from the real MLX for Whetstone's identity tests.

  quantize_reference.py IN.safetensors OUT.safetensors CASES.json

CASES is [{"input": name, "bits": b, "group_size": g}, ...]. For each case
writes "<input>|<bits>|<group_size>|{weight,scales,biases}" = mx.quantize(input)
and "<...>|dequantized" = mx.dequantize of those three. Runs on MLX's default
device (the CPU in the project venv) and prints which device and version.
"""
import json
import sys


def main() -> None:
    src, dst, cases_file = sys.argv[1:4]
    import mlx.core as mx

    arrays = mx.load(src)
    with open(cases_file) as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        name, bits, group = case["input"], case["bits"], case["group_size"]
        wq, scales, biases = mx.quantize(arrays[name], group_size=group, bits=bits)
        key = f"{name}|{bits}|{group}"
        out[f"{key}|weight"], out[f"{key}|scales"], out[f"{key}|biases"] = wq, scales, biases
        out[f"{key}|dequantized"] = mx.dequantize(wq, scales, biases, group_size=group, bits=bits)
    mx.eval(out)
    mx.save_safetensors(dst, out, metadata={"format": "mlx"})
    print(json.dumps({"device": str(mx.default_device()), "mlx": mx.__version__, "tensors": len(out)}))


if __name__ == "__main__":
    main()
