"""Serving speed of the exported artifacts: onnxruntime vs the SavedModel in process vs model.predict.

    python -m benchmarks.serving [--calls=200] [--seconds=2]
"""
import os
import statistics
import tempfile
import time

from absl import flags

from benchmarks import cli, report
from benchmarks.fresh import exported
from train import runtime

runtime.quiet()

flags.DEFINE_integer("calls", 200, "Timed calls per cell (at most).")
flags.DEFINE_float("seconds", 2.0, "Time budget per cell.")
FLAGS = flags.FLAGS
SAMPLE_BATCHES = (1, 64, 1024)
ENCODE_BATCH = 64


def timed(fn):
    """(median ms, p99 ms, number of calls) of fn() over the cell's calls, after 5 warm-up calls."""
    for _ in range(5):
        fn()
    times, start = [], time.perf_counter()
    while len(times) < FLAGS.calls and (len(times) < 20 or time.perf_counter() - start < FLAGS.seconds):
        t = time.perf_counter()
        fn()
        times.append(1e3 * (time.perf_counter() - t))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))], len(times)


def backends(model, directory, task):
    """{backend name: function of one numpy input} for `task` ("sample" or "encode")."""
    import onnxruntime as ort
    import tensorflow as tf

    onnx_name, input_name, output = ("generator.onnx", "z", "x") if task == "sample" else ("encoder.onnx", "x", "z")
    session = ort.InferenceSession(os.path.join(directory, onnx_name), providers=["CPUExecutionProvider"])
    signature = tf.saved_model.load(os.path.join(directory, "saved_model")).signatures[task]
    net = model.generator if task == "sample" else model.encoder
    return {
        "onnxruntime": lambda v: session.run([output], {input_name: v})[0],
        "SavedModel": lambda v: signature(**{input_name: tf.constant(v)})[output].numpy(),
        "model.predict": lambda v: net.predict(v, batch_size=len(v), verbose=0),
    }


def measure():
    import numpy as np

    rows = []
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for config_name, task, batches in (("nsgan_mnist", "sample", SAMPLE_BATCHES),
                                           ("age_mnist", "encode", (ENCODE_BATCH,))):
            model, directory = exported(config_name, os.path.join(tmp, config_name))
            fns = backends(model, directory, task)
            for batch in batches:
                shape = (batch, model.latent_dim) if task == "sample" else (batch, *model.data_shape)
                v = rng.uniform(-1, 1, size=shape).astype(np.float32)
                for backend, fn in fns.items():
                    median, p99, n = timed(lambda: fn(v))
                    rows.append(dict(task=task, config=config_name, batch=batch, backend=backend, median=median,
                                     p99=p99, calls=n, throughput=batch / (median / 1e3)))
                    print(rows[-1], flush=True)
    return rows


def main(argv):
    import onnxruntime
    import tensorflow as tf

    report.append("serving", [dict(r, tensorflow=tf.__version__, onnxruntime=onnxruntime.__version__,
                                   cores=os.cpu_count()) for r in measure()])
    print(report.render("serving"))


if __name__ == "__main__":
    cli.run(main)
