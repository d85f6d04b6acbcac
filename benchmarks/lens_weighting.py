"""How L_rec is weighted decides whether the Tempered lens tempers at all (issue 18).

    python -m benchmarks.lens_weighting [--steps=300] [--k=150] [--seed=0]

The paper writes L_L^R = ||X - L(X)||^2 without saying how an image's pixels are weighted against L_L^A,
an O(1) term: this trains tempered_mnist twice from the same initial networks, with L_rec averaged over
pixels (the zoo's) and summed.
"""
import tensorflow as tf
from absl import flags

from benchmarks import cli, report
from zoo.models import GAN

flags.DEFINE_integer("steps", 300, "Generator updates per variant (a multiple of 25).")
flags.DEFINE_integer("k", 150, "K: the lens's adversarial weight anneals to 0 over the first K updates.")
flags.DEFINE_integer("seed", 0, "Seed of both runs.")
FLAGS = flags.FLAGS
EVERY = 25


class SummedReconstruction(GAN):
    """The zoo's GAN with L_rec summed over an example's values instead of averaged."""

    @staticmethod
    def _lens_reconstruction(x, lx):
        return tf.reduce_sum(tf.square(x - lx), axis=list(range(1, x.shape.rank)))


def curve(model_class):
    """[(step, lambda, lens RMS per pixel, d_loss)] every EVERY updates of one tempered_mnist run."""
    import keras

    import configs
    from train import build, optimizers, spec
    from zoo import data

    config = configs.load("tempered_mnist", {"model.lens_k": FLAGS.k, "seed": FLAGS.seed})
    keras.utils.set_random_seed(config.seed)
    model = build.model(config)
    if model_class is not GAN:  # the same initial networks, the other L_rec
        built, model = model, model_class.from_config(model.get_config())
        for name in built.net_names:
            getattr(model, name).set_weights(getattr(built, name).get_weights())
        parts = spec.read(config).optimizers
        model.compile(**{name: optimizers.build(parts[name]) for name in model.optimizer_names})
    images = next(iter(data.load("mnist", 256, seed=9)))
    rows = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            rms = float(tf.sqrt(tf.reduce_mean(tf.square(model.lens(images) - images))))
            rows.append(((epoch + 1) * EVERY, logs["lens_lambda"], rms, logs["d_loss"]))

    model.fit(build.dataset(config), epochs=FLAGS.steps // EVERY, steps_per_epoch=EVERY, verbose=0,
              shuffle=False, callbacks=[Record()])
    return rows


def main(_):
    for variant, model_class in (("mean", GAN), ("summed", SummedReconstruction)):
        report.append("lens_weighting", [dict(variant=variant, update=step, rms=rms, d_loss=d_loss, steps=FLAGS.steps,
                                              k=FLAGS.k, seed=FLAGS.seed, **{"lambda": lam})
                                         for step, lam, rms, d_loss in curve(model_class)])
    print(report.render("lens_weighting"))


if __name__ == "__main__":
    cli.run(main)
