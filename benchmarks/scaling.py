"""Generator updates per second of the MNIST DCGAN (configs/nsgan_mnist.py, global batch 64) on 1,
2 and 4 logical CPU replicas (MirroredStrategy) and on 2 local worker processes
(MultiWorkerMirroredStrategy over 127.0.0.1).

    python -m benchmarks.scaling [--steps=60] [--warmup=10]

Each setting runs in fresh processes (the logical-device split must precede TensorFlow's start, and a
process holds one strategy).
"""
import json
import os
import subprocess
import sys

from absl import flags

from benchmarks import cli, report, timing
from zoo_core import errors

flags.DEFINE_integer("steps", 60, "Timed generator updates per setting.")
flags.DEFINE_integer("warmup", 10, "Untimed updates first (tracing, pipeline start).")
flags.DEFINE_integer("replicas", 0, "Internal: run one measurement with this many logical CPU replicas.")
flags.DEFINE_string("strategy", "", "Internal: default, mirrored or multi_worker.")
FLAGS = flags.FLAGS
CONFIG = "nsgan_mnist"


def measure_here():
    """One measurement in this process; prints a JSON line with the updates per second."""
    from train import runtime

    runtime.quiet()
    import configs
    from train import build
    from train import strategy as strategies

    runtime.split_cpu(FLAGS.replicas)
    strategy = strategies.make(FLAGS.strategy, FLAGS.replicas)
    # replicas force one step per call: compare like with like; float32, as the earlier rows
    config = configs.load(CONFIG, {"steps_per_execution": 1, "mixed_precision": None})
    with strategy.scope():
        model = build.model(config, strategy.num_replicas_in_sync)
    ds = strategies.distribute(strategy, lambda: build.dataset(config), config.data.batch_size)
    model.fit(ds, steps_per_epoch=FLAGS.warmup, epochs=1, verbose=0, shuffle=False)
    seconds = timing.seconds(lambda: model.fit(ds, steps_per_epoch=FLAGS.steps, epochs=1, verbose=0, shuffle=False))
    print(json.dumps(dict(replicas=strategy.num_replicas_in_sync, updates_per_second=FLAGS.steps / seconds)))


def _run(args, workers=1):
    base = [sys.executable, "-m", "benchmarks.scaling", f"--steps={FLAGS.steps}", f"--warmup={FLAGS.warmup}", *args]
    pipes = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if workers == 1:
        procs = [subprocess.Popen(base, **pipes)]
    else:
        from train import strategy as strategies
        procs = [subprocess.Popen(base, **pipes, env=dict(os.environ, TF_CONFIG=tf_config))
                 for tf_config in strategies.local_cluster(workers)]
    outs = [p.communicate() for p in procs]
    for p, (_, err) in zip(procs, outs):
        if p.returncode:
            last = [line for line in err.splitlines() if line.strip()][-1:]
            errors.fail(f"the measurement {' '.join(args)} failed: {' '.join(last)}", status=1)  # not the user's input
    return json.loads(outs[0][0].strip().splitlines()[-1])["updates_per_second"]


def main(argv):
    if FLAGS.strategy:
        return measure_here()
    settings = [("1 device", ["--strategy=default"], 1),
                ("2 logical CPU replicas (mirrored)", ["--strategy=mirrored", "--replicas=2"], 1),
                ("4 logical CPU replicas (mirrored)", ["--strategy=mirrored", "--replicas=4"], 1),
                ("2 worker processes on 127.0.0.1 (multi_worker)", ["--strategy=multi_worker"], 2)]
    import configs

    batch = configs.load(CONFIG).data.batch_size
    for name, args, workers in settings:
        rate = _run(args, workers)
        report.append("scaling", [dict(setting=name, updates_per_second=rate, config=CONFIG, batch=batch, steps=FLAGS.steps,
                                       warmup=FLAGS.warmup, cores=os.cpu_count())])
        print(name, f"{rate:.2f} updates/s", flush=True)
    print(report.render("scaling"))


if __name__ == "__main__":
    cli.run(main)
