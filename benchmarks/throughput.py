"""Training speed of every model family: updates per second through `fit` and a bare tf.function
loop of the same step, the step's FLOPs, and the achieved FLOP/s against the machine's matmul peak.

    python -m benchmarks.throughput [--configs=nsgan_toy,nsgan_mnist,...] [--seconds=20] [--repeats=3]
                                    [--steps_per_execution=N] [--jit_compile=on|off]
                                    [--intra_op_threads=N] [--bench=throughput_families]

The bare loop is fit's block without callbacks, progress bar or per-block metric read-back.
"""
import json
import os
import statistics
import time

from absl import flags

from benchmarks import cli, report, timing
from train import runtime

runtime.quiet()

FAMILIES = ["nsgan_toy", "nsgan_mnist", "wgangp_mnist", "tempered_mnist", "bigan_mnist", "age_mnist",
            "vae_mnist", "avb_mnist", "vae_toy"]
FLAGS = flags.FLAGS


def run_child(name, seconds, repeats, steps_per_execution=0, jit_compile="config", intra_op_threads=-1,
              bare=True, mixed_precision="config", peak=False):
    """The row of `name` measured in a fresh process with these settings (see the flags)."""
    return timing.child_row("benchmarks.throughput", f"--configs={name}", f"--seconds={seconds}", f"--repeats={repeats}",
                            f"--steps_per_execution={steps_per_execution}", f"--jit_compile={jit_compile}",
                            f"--intra_op_threads={intra_op_threads}", f"--mixed_precision={mixed_precision}",
                            "--bare" if bare else "--nobare", "--child_peak" if peak else "--nochild_peak")


def matmul_peak(n=2048, reps=20, dtype="float32"):
    """The machine's matmul FLOP/s in `dtype`: best of 3 timed blocks of `reps` n x n products."""
    import tensorflow as tf

    a = tf.cast(tf.random.normal([n, n]), dtype)

    @tf.function
    def block():
        x = a
        for _ in range(reps):
            x = tf.linalg.matmul(x, a) * (1.0 / n)
        return tf.reduce_sum(x)

    return 2.0 * n ** 3 * reps / timing.best_of(lambda: block().numpy())


def _dims(tensor, batch):
    """Static shape of `tensor` with an unknown (batch) dimension read as `batch`."""
    return [batch if d is None else d for d in tensor.shape.as_list()]


def _op_flops(op, batch):
    """2 x multiply-adds of a convolution or matmul op (forward or gradient), from static shapes."""
    if op.type in ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"):
        if op.type == "Conv2D":
            out, kernel = _dims(op.outputs[0], batch), _dims(op.inputs[1], batch)
        elif op.type == "Conv2DBackpropInput":  # (input_sizes, filter, out_backprop)
            out, kernel = _dims(op.inputs[2], batch), _dims(op.inputs[1], batch)
        else:  # (input, filter_sizes, out_backprop) -> the kernel's gradient
            out, kernel = _dims(op.inputs[2], batch), _dims(op.outputs[0], batch)
        b, h, w, c_out = out
        kh, kw, c_in, _ = kernel
        return 2 * b * h * w * c_out * kh * kw * c_in
    if op.type == "MatMul":
        a = _dims(op.inputs[0], batch)
        m, n = _dims(op.outputs[0], batch)
        k = a[0] if op.get_attr("transpose_a") else a[1]
        return 2 * m * n * k
    return 0


def step_flops(model, it, batch):
    """FLOPs of one train_step: convolutions and matmuls (forward and gradients) of its traced graph,
    counted from static shapes (unknown batch dimensions read as the global batch). TensorFlow's own
    profiler counts only some of these op types here (measured: it reported Conv2DBackpropInput
    alone for the MNIST DCGAN), so the count is ours. Elementwise ops are left out (a few %)."""
    import tensorflow as tf

    graph = tf.function(lambda: model.train_step(next(it))).get_concrete_function().graph
    return sum(_op_flops(op, batch) for op in graph.get_operations())


def load_config(name):
    """configs.load(name) with the flags' overrides."""
    import configs

    config = configs.load(name)
    if FLAGS.steps_per_execution:
        config.steps_per_execution = FLAGS.steps_per_execution
    if FLAGS.jit_compile != "config":
        config.jit_compile = FLAGS.jit_compile == "on"
    if FLAGS.intra_op_threads >= 0:
        config.intra_op_threads = FLAGS.intra_op_threads
    if FLAGS.mixed_precision != "config":
        config.mixed_precision = None if FLAGS.mixed_precision == "float32" else FLAGS.mixed_precision
    return config


def measure(config, bare=True):
    """The row of `config`: fit updates/s, the step's FLOPs and, if `bare`, the bare loop's updates/s."""
    import keras
    import tensorflow as tf

    from train import build, precision

    model = build.model(config)
    block = model.steps_per_execution
    ds = build.dataset(config)
    it = iter(ds)
    flops = step_flops(model, it, config.data.batch_size)

    # XLA compiles the step, not the iterator around it (as Keras does with jit_compile)
    step = tf.function(model.train_step, jit_compile=True) if config.jit_compile else model.train_step

    @tf.function
    def bare_block():
        for _ in tf.range(block):
            step(next(it))

    def run_bare(blocks):
        start = time.perf_counter()
        for _ in range(blocks):
            bare_block()
        model.optimizer.iterations.numpy()  # wait for the device
        return time.perf_counter() - start

    class EpochTimes(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.model.optimizer.iterations.numpy()
            times.append(time.perf_counter() - self.start)

    def run_fit(blocks, epochs=1):
        """Seconds of each epoch of `blocks` blocks in ONE fit call (a fit call also starts a new
        iterator over the input pipeline, which a training run pays once, not per epoch)."""
        times.clear()
        model.fit(ds, steps_per_epoch=blocks * block, epochs=epochs, verbose=0, shuffle=False,
                  callbacks=[EpochTimes()])
        return list(times)

    times = []

    # warm up (tracing), then size a repeat to about FLAGS.seconds
    per_block = run_fit(1, 2)[1]
    if bare:
        run_bare(2)
        per_block = run_bare(5) / 5
    blocks = max(1, round(FLAGS.seconds / per_block))
    bare_t = [run_bare(blocks) for _ in range(FLAGS.repeats)] if bare else []
    fit_t = run_fit(blocks, 1 + FLAGS.repeats)[1:]  # the first epoch holds the pipeline's start
    steps = blocks * block
    fit_rate = steps / statistics.median(fit_t)
    bare_rate = steps / statistics.median(bare_t) if bare else float("nan")
    n_critic = config.model.get("n_critic", 1)
    return dict(config=config.name, model=config.model.name, batch=config.data.batch_size, n_critic=n_critic,
                block=block, steps=steps, jit=bool(config.jit_compile), threads=config.intra_op_threads,
                fit=fit_rate, fit_all=[steps / t for t in fit_t], bare=bare_rate, ratio=fit_rate / bare_rate,
                examples=fit_rate * config.data.batch_size * n_critic, flops=flops,
                precision=precision.policy(config) or "float32")


def main(argv):
    if FLAGS.row_json:  # one config, in this fresh process
        (name,) = FLAGS.configs
        config = load_config(name)
        runtime.set_intra_op_threads(config)  # before TensorFlow starts
        row = measure(config, FLAGS.bare)
        if FLAGS.child_peak:  # the matmul peak in the precision of the config's matmuls
            row["peak"] = matmul_peak(dtype="bfloat16" if row["precision"] == "mixed_bfloat16" else "float32")
        with open(FLAGS.row_json, "w") as f:
            json.dump(row, f)
        return
    peak = matmul_peak()
    print(f"matmul peak: {peak / 1e9:.1f} GFLOP/s", flush=True)
    rows = []
    for name in FLAGS.configs:
        rows.append(run_child(name, FLAGS.seconds, FLAGS.repeats, FLAGS.steps_per_execution, FLAGS.jit_compile,
                              FLAGS.intra_op_threads, FLAGS.bare, FLAGS.mixed_precision))
        print(rows[-1], flush=True)
    report.append(FLAGS.bench, [dict(r, peak=peak, seconds=FLAGS.seconds, repeats=FLAGS.repeats, cores=os.cpu_count())
                                for r in rows])
    print(report.render(FLAGS.bench))


def define_flags():
    """This script's flags (defined only when it runs, so that benchmarks.settings can import it)."""
    flags.DEFINE_list("configs", FAMILIES, "Configs to measure (NAME or NAME:ARG).")
    flags.DEFINE_enum("jit_compile", "config", ["config", "on", "off"], "XLA-compile the steps (config: the "
                      "config's jit_compile).")
    flags.DEFINE_integer("intra_op_threads", -1, "Override the configs' intra_op_threads (-1: keep).")
    flags.DEFINE_string("bench", "throughput_families", "Records to benchmarks/results/BENCH.jsonl.")
    flags.DEFINE_float("seconds", 20.0, "Approximate seconds per timed repeat.")
    flags.DEFINE_integer("repeats", 3, "Timed repeats per path (the bare loop's, then fit's).")
    flags.DEFINE_integer("steps_per_execution", 0, "Override the configs' steps_per_execution (0: keep).")
    flags.DEFINE_bool("bare", True, "Also time the bare loop (--nobare: fit only).")
    flags.DEFINE_enum("mixed_precision", "config", ["config", "float32", "mixed_bfloat16", "mixed_float16"],
                      "Override the configs' mixed_precision (config: keep).")
    flags.DEFINE_bool("child_peak", False, "Internal: the row also holds this process's matmul peak in "
                      "the config's precision.")
    flags.DEFINE_string("row_json", "", "Internal: measure the one config of --configs in this process and "
                        "write its row here.")


if __name__ == "__main__":
    define_flags()
    cli.run(main)
