"""Runs mlx_lm.convert on several sources in one process (imports once).

  convert_reference.py RUNS.json

RUNS is a list of keyword arguments for mlx_lm.convert.convert, e.g.
{"hf_path": SRC, "mlx_path": DST, "quantize": true, "q_bits": 4,
 "q_group_size": 64, "quant_predicate": "mixed_3_6", "dtype": "float16",
 "dequantize": true}. Prints one JSON line with the seconds each run took.
"""
import contextlib
import io
import json
import sys
import time


def convert_all(runs: list) -> list:
    """Runs each conversion; returns the seconds each took."""
    from mlx_lm.convert import convert

    seconds = []
    for run in runs:
        started = time.perf_counter()
        # mlx_lm prints progress; keep stdout for the JSON line.
        with contextlib.redirect_stdout(io.StringIO()):
            convert(**run)
        seconds.append(round(time.perf_counter() - started, 3))
    return seconds


def main() -> None:
    with open(sys.argv[1]) as f:
        runs = json.load(f)
    print(json.dumps({"seconds": convert_all(runs)}))


if __name__ == "__main__":
    main()
