"""How the benchmarks time things: one call, the best of repeated calls, and a measurement in a fresh
process (threading is fixed when a framework starts). No TensorFlow here."""
import json
import os
import subprocess
import sys
import tempfile
import time


def seconds(fn):
    """The seconds one call of fn() takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn, repeats=3):
    """The fewest seconds of `repeats` timed calls of fn(), after one untimed call (tracing, warm-up)."""
    fn()
    return min(seconds(fn) for _ in range(repeats))


def child_row(module, *args):
    """The JSON row that `python -m module *args --row_json=PATH` writes to PATH, in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "row.json")
        cmd = [sys.executable, "-m", module, *args, f"--row_json={path}"]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
        with open(path) as f:
            return json.load(f)
