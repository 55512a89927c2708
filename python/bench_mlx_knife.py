"""Times mlx-knife 2.0.8's own health check and repair-index in-process (bench/health.ts runs it).

Usage: bench_mlx_knife.py health MODEL RUNS | repair SOURCE TARGET_PREFIX RUNS
Prints {"median_s": .., "runs": [..], "read_bytes": ..}: read_bytes is the rchar growth
of one run (every byte the process read through read syscalls).
"""
import json
import statistics
import sys
import time

from mlxk2.operations.convert import convert_operation
from mlxk2.operations.health import health_check_operation


def rchar() -> int:
    with open("/proc/self/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("rchar"))


def main() -> None:
    op = sys.argv[1]
    runs = int(sys.argv[-1])
    times, read = [], None
    for i in range(runs):
        before = rchar()
        start = time.perf_counter()
        if op == "health":
            result = health_check_operation(sys.argv[2])
            assert result["data"]["summary"]["total"] == 1, result
        else:
            result = convert_operation(sys.argv[2], f"{sys.argv[3]}-{i}", "repair-index")
            assert result["status"] == "success", result
        times.append(time.perf_counter() - start)
        read = rchar() - before
    print(json.dumps({"median_s": statistics.median(times), "runs": times, "read_bytes": read}))


if __name__ == "__main__":
    main()
