"""Where the MNIST DCGAN step's time goes inside oneDNN, in the zoo and in its PyTorch twin.

    python -m benchmarks.onednn_profile [--precision=bfloat16] [--steps=20] [--top=25]

Each engine runs configs/nsgan_mnist.py's step (the PyTorch twin: benchmarks/torch_twin.py) under
ONEDNN_VERBOSE=1 in two fresh processes, 5 warm-up steps (WARM) and 5 + --steps;
the difference of their logs is --steps steps without start-up and first-call reorders.
"""
import collections
import os
import re
import subprocess
import sys
import time

from absl import flags

from benchmarks import cli, report, torch_twin

FLAGS = flags.FLAGS
WARM = 5


def zoo_steps(precision, n):
    """Runs WARM + n steps of the zoo's step; returns the wall seconds of the last n."""
    import configs
    from train import build, runtime

    runtime.quiet()
    config = configs.load("nsgan_mnist")
    config.mixed_precision = "mixed_bfloat16" if precision == "bfloat16" else None
    import tensorflow as tf

    model = build.model(config)
    it = iter(build.dataset(config))
    step = tf.function(model.train_step)
    for _ in range(WARM):
        step(next(it))
    start = time.perf_counter()
    for _ in range(n):
        logs = step(next(it))
    if n:
        float(logs["g_loss"])
    return time.perf_counter() - start


def torch_steps(precision, n):
    step = torch_twin.trainer(precision)
    for _ in range(WARM):
        step()
    start = time.perf_counter()
    for _ in range(n):
        step()
    return time.perf_counter() - start


def parse(text):
    """{(kind, kernel, direction, types, problem): [calls, ms]} of a oneDNN verbose log."""
    out = collections.defaultdict(lambda: [0, 0.0])
    for line in text.splitlines():
        fields = line.split(",")
        if not line.startswith("onednn_verbose") or "exec" not in fields:
            continue
        i = fields.index("exec")
        try:
            ms = float(fields[-1])
        except ValueError:
            continue
        types = "/".join(dict.fromkeys(re.findall(r"(?:src|wei|dst|diff_src|diff_wei|diff_dst)\w*:(\w+):",
                                                  fields[i + 5])))
        key = (fields[i + 2], fields[i + 3].split(":")[0] + ":" + fields[i + 3].split(":")[-1], fields[i + 4],
               types, fields[-2])
        out[key][0] += 1
        out[key][1] += ms
    return out


def run(engine, precision, n):
    """(parsed log, wall seconds) of one child process."""
    env = dict(os.environ, ONEDNN_VERBOSE="1", TF_CPP_MIN_LOG_LEVEL="3")
    cmd = [sys.executable, "-m", "benchmarks.onednn_profile", f"--child={engine}", f"--precision={precision}",
           f"--steps={n}"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    wall = float(re.findall(r"^WALL (\S+)$", done.stdout, re.M)[-1])
    return parse(done.stdout), wall


def profile(engine, precision, steps):
    base, _ = run(engine, precision, 0)
    full, wall = run(engine, precision, steps)
    rows = []
    for key, (calls, ms) in full.items():
        calls0, ms0 = base.get(key, (0, 0.0))
        if calls > calls0:
            rows.append((key, (calls - calls0) / steps, (ms - ms0) / steps))
    return sorted(rows, key=lambda r: -r[2]), 1e3 * wall / steps


def main(argv):
    if FLAGS.child:
        fn = zoo_steps if FLAGS.child == "zoo" else torch_steps
        print(f"WALL {fn(FLAGS.precision, FLAGS.steps)}", flush=True)
        return
    torch_twin.require_torch()  # before minutes of profiling the zoo, not after
    for engine in ["zoo", "torch"]:
        rows, wall = profile(engine, FLAGS.precision, FLAGS.steps)
        report.append("onednn_profile", [dict(engine=engine, precision=FLAGS.precision, steps=FLAGS.steps, warm=WARM,
                                              wall=wall, onednn=sum(r[2] for r in rows), primitives=[[ms, calls, *key] for key, calls, ms in rows[:FLAGS.top]])])
    print(report.render("onednn_profile"))


if __name__ == "__main__":
    flags.DEFINE_enum("precision", "bfloat16", ["float32", "bfloat16"], "The step's precision.")
    flags.DEFINE_integer("steps", 20, "Steps counted (after the warm-up).")
    flags.DEFINE_integer("top", 25, "Rows per engine.")
    flags.DEFINE_enum("child", "", ["", "zoo", "torch"], "Internal: run one engine's steps in this process.")
    cli.run(main)
