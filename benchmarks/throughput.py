"""Generator updates per second through `fit` vs a bare tf.function loop of the same step.

    python -m benchmarks.throughput [--configs=nsgan_toy,nsgan_mnist] [--seconds=20] [--repeats=3]
                                    [--steps_per_execution=N]

Both paths run the model's own `train_step` on the same data pipeline, in blocks of the config's
steps_per_execution inside one tf.function (what Keras does). The bare loop has no callbacks, no
progress bar and no per-block metric read-back; the ratio fit / bare is what Keras costs. Each
path is warmed up (traced) first, then timed `--repeats` times alternately; the table reports the
median. Prints a Markdown table.
"""
import os
import statistics
import time

from absl import app, flags

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

flags.DEFINE_list("configs", ["nsgan_toy", "nsgan_mnist"], "Configs to measure.")
flags.DEFINE_float("seconds", 20.0, "Approximate seconds per timed repeat.")
flags.DEFINE_integer("repeats", 3, "Timed repeats per path (alternating).")
flags.DEFINE_integer("steps_per_execution", 0, "Override the configs' steps_per_execution (0: keep).")
FLAGS = flags.FLAGS


def measure(name):
    import importlib

    import keras
    import tensorflow as tf

    from train import build

    keras.backend.clear_session()
    config = importlib.import_module(f"configs.{name}").get_config()
    if FLAGS.steps_per_execution:
        config.steps_per_execution = FLAGS.steps_per_execution
    model = build.model(config)
    block = model.steps_per_execution
    ds = build.dataset(config)
    it = iter(ds)

    @tf.function
    def bare_block():
        for _ in tf.range(block):
            model.train_step(next(it))

    def run_bare(blocks):
        start = time.perf_counter()
        for _ in range(blocks):
            bare_block()
        model.g_optimizer.iterations.numpy()  # wait for the device
        return time.perf_counter() - start

    def run_fit(blocks):
        start = time.perf_counter()
        model.fit(ds, steps_per_epoch=blocks * block, epochs=1, verbose=0, shuffle=False)
        return time.perf_counter() - start

    # warm up both (tracing), then size a repeat to about FLAGS.seconds
    run_bare(2)
    run_fit(2)
    per_block = run_bare(5) / 5
    blocks = max(2, int(FLAGS.seconds / per_block))
    fit_t, bare_t = [], []
    for _ in range(FLAGS.repeats):
        bare_t.append(run_bare(blocks))
        fit_t.append(run_fit(blocks))
    steps = blocks * block
    fit_rate = steps / statistics.median(fit_t)
    bare_rate = steps / statistics.median(bare_t)
    return dict(config=name, batch=config.data.batch_size, n_critic=config.n_critic, block=block,
                steps=steps, fit=fit_rate, bare=bare_rate, ratio=fit_rate / bare_rate,
                images=fit_rate * config.data.batch_size * config.n_critic)


def main(argv):
    rows = [measure(name) for name in FLAGS.configs]
    print("| config | global batch | steps_per_execution | timed steps | fit updates/s | "
          "bare loop updates/s | fit / bare | real images/s (fit) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['config']} | {r['batch']} | {r['block']} | {r['steps']} | {r['fit']:.1f} | "
              f"{r['bare']:.1f} | {r['ratio']:.3f} | {r['images']:.0f} |")


if __name__ == "__main__":
    app.run(main)
