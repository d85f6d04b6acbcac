"""Where the time of one GAN training step goes: input pipeline, noise, critic update, generator update.

    python -m benchmarks.step_profile [--configs=nsgan_toy,nsgan_mnist] [--steps=200]
"""
import os

from absl import flags

from benchmarks import cli, report
from benchmarks.timing import best_of
from train import runtime

runtime.quiet()
flags.DEFINE_list("configs", ["nsgan_toy", "nsgan_mnist"], "GAN configs to profile.")
flags.DEFINE_integer("steps", 200, "Steps per timed block.")
FLAGS = flags.FLAGS


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
    report.append("step_profile", [dict(profile(name), steps=FLAGS.steps, cores=os.cpu_count()) for name in FLAGS.configs])
    print(report.render("step_profile"))


if __name__ == "__main__":
    cli.run(main)
