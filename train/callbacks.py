"""Training callbacks: sample pictures, checkpoints and backups, a stop on non-finite losses."""
import math
import os

import keras
import numpy as np
import tensorflow as tf

from export import pictures
from train import workdir
from zoo import data
from zoo.data import points, toy


class NonFiniteLoss(RuntimeError):
    """Training produced a NaN or infinite loss; the message names the step and the loss term."""


class StopOnNonFinite(keras.callbacks.Callback):
    """Raises NonFiniteLoss as soon as a logged loss is not finite; the message says which checkpoint
    (of `checkpoints`, a directory) is the last good one, or that none was written yet.

    Raising (rather than setting stop_training) ends `fit` before any epoch-end callback runs, so
    neither the backup nor the checkpoints are overwritten with the diverged weights.
    """

    def __init__(self, checkpoints):
        super().__init__()
        self.checkpoints = checkpoints

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            if not math.isfinite(float(value)):
                kept = workdir.list_checkpoints(self.checkpoints)
                kept = (f"the last good checkpoint, step {workdir.checkpoint_step(kept[-1])}, is kept" if kept
                        else "no checkpoint had been written yet")
                raise NonFiniteLoss(f"training diverged: {name} = {float(value)} at step {workdir.step_of(self.model)}; {kept}")


class SaveState(keras.callbacks.Callback):
    """At every epoch end: the resume state (train.workdir.save_backup: DIR/backup), then a checkpoint
    of the whole model (save_checkpoint: DIR/checkpoints, the newest KEEP). Each save is atomic and
    checksummed; a save that fails (disk full) stops training with one sentence (SaveFailed).

    Resuming is not a callback: train.trainer restores train.workdir.resume_state before `fit` and passes
    the epoch to fit's `initial_epoch` (public Keras API only)."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory

    def on_epoch_end(self, epoch, logs=None):
        step = workdir.step_of(self.model)
        workdir.save_backup(self.model, os.path.join(self.directory, workdir.BACKUP), step)
        workdir.save_checkpoint(self.model, os.path.join(self.directory, workdir.CHECKPOINTS), step)


class Samples(keras.callbacks.Callback):
    """At every epoch end: a PNG under DIR/samples and an image in TensorBoard (DIR/logs/samples).

    Toy data: a scatter of 2,500 samples with the mode centres. Images: a grid of 64 samples from
    a fixed z, so successive pictures show the same latent points learning. The 4-point problem:
    the posterior regions in latent space (`posterior_codes`). A GAN with a Tempered lens, while the
    lens is active (step <= K): also DIR/samples/lens_STEP.png and TensorBoard's "lens", real x beside
    L(x) (`lens_picture`).
    """

    def __init__(self, directory, log_dir, dataset, seed):
        super().__init__()
        self.directory = directory
        self.writer = tf.summary.create_file_writer(os.path.join(log_dir, "samples"))
        self.dataset = dataset  # a name or config.data (zoo.data)
        self.dataset_name = data.name_of(dataset)
        self.seed = seed
        self._lens_x = None  # the test images of the lens picture, read once

    def picture(self, step):
        """Writes the picture for `step`; returns it as a uint8 HWC array (None: no picture fits)."""
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"step_{step:08d}.png")
        if self.dataset_name in data.POINTS:
            if not self.model.has_encoder:
                return None  # no picture of 4-d samples without an encoder
            codes, labels = posterior_codes(self.model, self.dataset_name, seed=self.seed)
            title = f"q(z|x) of the {len(np.unique(labels))} points, step {step}"
            pictures.posterior(codes, labels, path, title=title)
            return pictures.read_png(path)
        if data.is_toy(self.dataset_name):
            x = self.model.sample(2500, seed=self.seed).numpy()
            centres = toy.MIXTURES[self.dataset_name][0]
            pictures.scatter(x, path, centres, title=f"{self.dataset_name}, step {step}")
            return pictures.read_png(path)  # drawn once, not again for TensorBoard
        image = pictures.grid(self.model.sample(64, seed=self.seed).numpy())
        pictures.save_png(image, path)
        return image

    def lens_picture(self, step):
        """Real x and L(x): for images a grid whose top half is 32 real images (zoo.data.real_images) and
        bottom half their L(x); for toy data 1,000 points x and L(x) in one scatter. Returns it as uint8 HWC."""
        path = os.path.join(self.directory, f"lens_{step:08d}.png")
        if data.is_toy(self.dataset_name):
            x = toy.sample(self.dataset_name, 1000, tf.constant([self.seed, 0x1E75], tf.int64)).numpy()
            lx = self.model.lens(x, training=False).numpy()
            pictures.scatter(x, path, title=f"lens, step {step}", label="x", others=[("L(x)", lx)])
            return pictures.read_png(path)
        if self._lens_x is None:
            self._lens_x = data.real_images(self.dataset, 32)
        x = self._lens_x
        image = pictures.grid(np.concatenate([x, self.model.lens(x, training=False).numpy()]))
        pictures.save_png(image, path)
        return image

    def _log(self, name, image, step):
        with self.writer.as_default():
            tf.summary.image(name, np.asarray(image)[None], step=step)
        self.writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        step = workdir.step_of(self.model)
        image = self.picture(step)
        if image is not None:
            self._log("samples", image, step)
        if self.model.lens_active(step):
            self._log("lens", self.lens_picture(step), step)


def posterior_codes(model, name, n=500, seed=0):
    """(codes [K n, d], labels [K n]): n draws z ~ q(z|x_k) for each data point x_k of `name`
    (`model.posterior_sample`: E(x) repeated for a deterministic encoder)."""
    x = np.repeat(points.points(name), n, axis=0)
    codes = model.posterior_sample(x, seed=[seed, 7])
    return np.asarray(codes), np.repeat(np.arange(len(points.points(name))), n)


class Evaluate(keras.callbacks.Callback):
    """Every `every` generator updates (checked at epoch ends): the run's metrics into TensorBoard
    (DIR/logs/eval, scalars named eval/METRIC) and printed.

    `evaluate(model)` returns a dict of metric name -> number (train.trainer.evaluate).
    """

    def __init__(self, evaluate, every, log_dir):
        super().__init__()
        self.evaluate = evaluate
        self.every = every
        self.writer = tf.summary.create_file_writer(os.path.join(log_dir, "eval"))

    def on_train_begin(self, logs=None):
        self.last = workdir.step_of(self.model)  # a resumed run counts from where it resumed

    def on_epoch_end(self, epoch, logs=None):
        step = workdir.step_of(self.model)
        crossed = step // self.every > self.last // self.every  # a multiple of `every` since the last check
        self.last = step
        if not crossed:
            return
        metrics = {k: v for k, v in self.evaluate(self.model).items() if isinstance(v, (int, float))}
        with self.writer.as_default():
            for name, value in metrics.items():
                tf.summary.scalar(f"eval/{name}", value, step=step)
        self.writer.flush()
        print(f"step {step}: " + ", ".join(f"{k} {v:.4g}" for k, v in metrics.items()), flush=True)
