"""Where the time of one GAN training step goes: input pipeline, noise, critic update, generator update.

    python -m benchmarks.step_profile [--configs=nsgan_toy,nsgan_mnist] [--steps=200]

For each config, times in its own tf.function blocks of --steps (no Keras around them): the whole
train_step; the critic update alone (`GAN._critic_step` on a fixed real batch); the noise draws of
one step alone; and, outside TensorFlow's step, pulling --steps batches from the input pipeline.
The generator update is the whole step minus the critic update. Prints ms per step and shares.
"""
import os
import time

from absl import app, flags

from train import runtime

runtime.quiet()
flags.DEFINE_list("configs", ["nsgan_toy", "nsgan_mnist"], "GAN configs to profile.")
flags.DEFINE_integer("steps", 200, "Steps per timed block.")
FLAGS = flags.FLAGS


def best_of(fn, repeats=3):
    fn()  # trace
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def profile(name):
    import keras
    import tensorflow as tf

    import configs
    from train import build
    from zoo.models import noise

    keras.backend.clear_session()
    config = configs.load(name)
    model = build.model(config)
    ds = build.dataset(config)
    it = iter(ds)
    x = next(it)
    x = x[:, None] if x.shape.rank == len(model.data_shape) + 1 else x
    n = FLAGS.steps
    step = model.g_optimizer.iterations

    @tf.function
    def full():
        for _ in tf.range(n):
            model.train_step(next(it))

    @tf.function
    def critic():
        for k in tf.range(n):
            model._critic_step(x[:, 0], step, 0)

    @tf.function
    def draws():
        total = 0.0
        for k in tf.range(n):
            for role in (noise.CRITIC_Z, noise.GENERATOR_Z):
                total += tf.reduce_sum(model._draw_z(k, role, 0, tf.shape(x)[0]))
        return total

    def pipeline():
        for _ in range(n):
            next(it)

    def run(fn):
        return lambda: (fn(), model.g_optimizer.iterations.numpy())

    t_full = best_of(run(full)) / n
    t_critic = best_of(run(critic)) / n * model.n_critic
    t_draws = best_of(run(draws)) / n
    t_input = best_of(pipeline) / n
    return dict(config=name, full=t_full, critic=t_critic, generator=t_full - t_critic, draws=t_draws, input=t_input)


def main(argv):
    rows = [profile(name) for name in FLAGS.configs]
    lines = [f"`python -m benchmarks.step_profile --steps={FLAGS.steps}` on {os.cpu_count()} CPU cores (ms per "
             "generator update; share of the whole step):", "",
             "| config | whole step | critic update(s) | generator update | noise draws | input pipeline (outside the step) |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        share = lambda key: f"{1e3 * r[key]:.2f} ({100 * r[key] / r['full']:.0f}%)"  # noqa: E731
        lines.append(f"| {r['config']} | {1e3 * r['full']:.2f} | {share('critic')} | {share('generator')} | "
                     f"{share('draws')} | {share('input')} |")
    print("\n".join(lines))


if __name__ == "__main__":
    app.run(main)
