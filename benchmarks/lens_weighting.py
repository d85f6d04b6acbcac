"""How L_rec is weighted decides whether the Tempered lens tempers at all (issue 18).

    python -m benchmarks.lens_weighting [--steps=300] [--k=150] [--seed=0]

Trains tempered_mnist (NS-GAN, the paper's lens) twice from the same seed, with the zoo's L_rec (the
mean squared error over an example's 784 pixels) and with the same error SUMMED over them, and
records every 25 updates the lens's RMS change per pixel on 256 fixed training images,
sqrt(mean (x - L(x))^2), and the critic's loss (log 4 = 1.386 at chance). The paper writes
L_L^R = ||X - L(X)||^2 without saying how an image's pixels are weighted against L_L^A, an O(1) term.
Writes benchmarks/results/lens_weighting.md.
"""
import json

import tensorflow as tf
from absl import app, flags

from benchmarks.publish import publish
from zoo.models import GAN

flags.DEFINE_integer("steps", 300, "Generator updates per variant (a multiple of 25).")
flags.DEFINE_integer("k", 150, "K: the lens's adversarial weight anneals to 0 over the first K updates.")
flags.DEFINE_integer("seed", 0, "Seed of both runs.")
FLAGS = flags.FLAGS
EVERY = 25
OUT = "benchmarks/results/lens_weighting.md"


class SummedReconstruction(GAN):
    """The zoo's GAN with L_rec summed over an example's values instead of averaged."""

    @staticmethod
    def _lens_reconstruction(x, lx):
        return tf.reduce_sum(tf.square(x - lx), axis=list(range(1, x.shape.rank)))


def curve(model_class):
    """[(step, lambda, lens RMS per pixel, d_loss)] every EVERY updates of one tempered_mnist run."""
    import keras

    import configs
    from train import build
    from zoo import data

    config = configs.load("tempered_mnist", {"model_options.lens_k": FLAGS.k, "seed": FLAGS.seed})
    keras.utils.set_random_seed(config.seed)
    model = build.model(config)
    if model_class is not GAN:  # the same initial networks, the other L_rec
        built, model = model, model_class.from_config(model.get_config())
        for name in built.net_names:
            getattr(model, name).set_weights(getattr(built, name).get_weights())
        model.compile(**{name: build.optimizer(config[name]) for name in model.optimizer_names})
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
    mean, summed = curve(GAN), curve(SummedReconstruction)
    lines = [f"`python -m benchmarks.lens_weighting --steps={FLAGS.steps} --k={FLAGS.k} --seed={FLAGS.seed}`", "",
             "tempered_mnist (NS-GAN, the paper's lens), the same seed; lambda = 1 - sin(t pi / 2K) is the "
             "adversarial weight; RMS = the lens's change per pixel on 256 fixed images (pixels in [-1, 1]); "
             "d_loss = the critic's loss over the last 25 updates (1.386 at chance).", "",
             "| update | lambda | L_rec mean over pixels: RMS | d_loss | L_rec summed over pixels: RMS | d_loss |",
             "|---|---|---|---|---|---|"]
    for (step, lam, rms_m, d_m), (_, _, rms_s, d_s) in zip(mean, summed):
        lines.append(f"| {step} | {lam:.3f} | {rms_m:.4f} | {d_m:.3f} | {rms_s:.4f} | {d_s:.3f} |")
    publish("\n".join(lines), OUT, "Lens weighting: L_rec averaged or summed over pixels", marker="LENS_WEIGHTING")
    print(json.dumps(dict(mean=mean, summed=summed)))


if __name__ == "__main__":
    app.run(main)
