"""Training callbacks: sample pictures, atomic checkpoints and backups, a stop on non-finite losses."""
import glob
import json
import math
import os
import shutil

import keras
import numpy as np
import tensorflow as tf

from export import pictures
from zoo import data, files
from zoo.data import points, toy


class NonFiniteLoss(RuntimeError):
    """Training produced a NaN or infinite loss; the message names the step and the loss term."""


def step_of(model):
    return int(model.optimizer.iterations.numpy())


class StopOnNonFinite(keras.callbacks.Callback):
    """Raises NonFiniteLoss as soon as a logged loss is not finite.

    Raising (rather than setting stop_training) ends `fit` before any epoch-end callback runs, so
    neither the backup nor the checkpoints are overwritten with the diverged weights.
    """

    def on_train_batch_end(self, batch, logs=None):
        for name, value in (logs or {}).items():
            if not math.isfinite(float(value)):
                raise NonFiniteLoss(f"training diverged: {name} = {float(value)} at step "
                                    f"{step_of(self.model)}; the last good checkpoint is kept")


class Checkpoints(keras.callbacks.Callback):
    """Saves the whole model (with optimizer state) as DIR/ckpt-STEP.keras at every epoch end.

    Writes to a temporary file and renames it, so a kill during a save never leaves a corrupt
    latest checkpoint (the next save deletes the temporary file such a kill leaves); keeps the
    newest `keep`.
    """

    def __init__(self, directory, keep=3):
        super().__init__()
        self.directory = directory
        self.keep = keep

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"ckpt-{step_of(self.model):08d}.keras")
        tmp = os.path.join(self.directory, f"tmp-{os.getpid()}.keras")
        self.model.save(tmp)
        files.replace(tmp, path)
        stale = glob.glob(os.path.join(self.directory, "tmp-*.keras"))  # left by runs killed mid-save
        for old in list_checkpoints(self.directory)[:-self.keep] + stale:
            os.remove(old)


class AtomicBackup(keras.callbacks.BackupAndRestore):
    """Keras's BackupAndRestore (resume state every epoch) with every save atomic.

    Keras writes latest.weights.h5 in place, then training_metadata.json: a kill during the first
    leaves a corrupt backup that the next run cannot load, and a kill between the two leaves weights
    one epoch ahead of the epoch count (the resumed run would train that epoch twice). Here each
    save writes DIR/epoch-N/ (weights and metadata) under a temporary name, renames it into place,
    and only then replaces DIR/training_metadata.json (the pointer: {"epoch": N, "dir": "epoch-N"})
    by a rename, and deletes the older epoch-N directories. A kill at any point leaves the pointer on
    a complete backup.
    """

    def __init__(self, backup_dir):
        super().__init__(backup_dir, save_freq="epoch", delete_checkpoint=False)

    def _save_model(self):
        epoch = self._current_epoch
        name = f"epoch-{epoch:08d}"
        final = os.path.join(self.backup_dir, name)
        tmp = f"{final}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        self.model.save_weights(os.path.join(tmp, "model.weights.h5"))
        shutil.rmtree(final, ignore_errors=True)  # left by a run killed after this rename, before the pointer's
        files.replace(tmp, final)
        pointer = dict(epoch=epoch, batch=0, dir=name)
        files.write_json(self._training_metadata_path, pointer, indent=None)
        for old in glob.glob(os.path.join(self.backup_dir, "epoch-*")):
            if os.path.basename(old) != name:
                shutil.rmtree(old, ignore_errors=True)

    def _load_model(self):
        pointer = read_backup(self.backup_dir)
        if pointer is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(pointer["weights"])
        self.model._initial_epoch = pointer["epoch"]  # how Keras's own BackupAndRestore resumes fit


def read_backup(directory):
    """The backup pointer of `directory` with the weights' path ({"epoch", "weights"}), or None.

    Reads Keras's own layout too (latest.weights.h5 beside the metadata), which runs written before
    AtomicBackup have."""
    path = os.path.join(directory, "training_metadata.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        pointer = json.load(f)
    if "dir" in pointer:
        weights = os.path.join(directory, pointer["dir"], "model.weights.h5")
    else:
        weights = os.path.join(directory, "latest.weights.h5")
    return dict(epoch=int(pointer["epoch"]), weights=weights)


def list_checkpoints(directory):
    """Checkpoint paths in `directory`, oldest first."""
    return sorted(glob.glob(os.path.join(directory, "ckpt-*.keras")))


class Samples(keras.callbacks.Callback):
    """At every epoch end: a PNG under DIR/samples and an image in TensorBoard (DIR/logs/samples).

    Toy data: a scatter of 2,500 samples with the mode centres. Images: a grid of 64 samples from
    a fixed z, so successive pictures show the same latent points learning. The 4-point problem:
    the posterior regions in latent space (`posterior_codes`). A GAN with a Tempered lens, while the
    lens is active (step <= K): also DIR/samples/lens_STEP.png and TensorBoard's "lens", real x beside
    L(x) (`lens_picture`).
    """

    def __init__(self, directory, log_dir, dataset_name, seed):
        super().__init__()
        self.directory = directory
        self.writer = tf.summary.create_file_writer(os.path.join(log_dir, "samples"))
        self.dataset_name = dataset_name
        self.seed = seed
        self._lens_x = None  # the test images of the lens picture, read once

    def picture(self, step):
        """Writes the picture for `step`; returns it as a uint8 HWC array (None: no picture fits)."""
        os.makedirs(self.directory, exist_ok=True)
        path = os.path.join(self.directory, f"step_{step:08d}.png")
        if self.dataset_name in data.POINTS:
            if not hasattr(self.model, "encode"):
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
        """Real x and L(x): for images a grid whose top half is 32 test images and bottom half their
        L(x); for toy data 1,000 points x and L(x) in one scatter. Returns it as uint8 HWC."""
        path = os.path.join(self.directory, f"lens_{step:08d}.png")
        if data.is_toy(self.dataset_name):
            x = toy.sample(self.dataset_name, 1000, tf.constant([self.seed, 0x1E75], tf.int64)).numpy()
            lx = self.model.lens(x, training=False).numpy()
            pictures.scatter(x, path, title=f"lens, step {step}", label="x", others=[("L(x)", lx)])
            return pictures.read_png(path)
        if self._lens_x is None:
            from zoo.data import images

            self._lens_x = images.arrays(self.dataset_name, "test[:32]")[0]
        x = self._lens_x
        image = pictures.grid(np.concatenate([x, self.model.lens(x, training=False).numpy()]))
        pictures.save_png(image, path)
        return image

    def _log(self, name, image, step):
        with self.writer.as_default():
            tf.summary.image(name, np.asarray(image)[None], step=step)
        self.writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        step = step_of(self.model)
        image = self.picture(step)
        if image is not None:
            self._log("samples", image, step)
        if getattr(self.model, "lens", None) is not None and step <= self.model.lens_k:
            self._log("lens", self.lens_picture(step), step)


def posterior_codes(model, name, n=500, seed=0):
    """(codes [K n, d], labels [K n]): n draws z ~ q(z|x_k) for each data point x_k of `name`
    (`model.posterior_sample`; E(x) repeated for a deterministic encoder)."""
    x = np.repeat(points.points(name), n, axis=0)
    if hasattr(model, "posterior_sample"):
        codes = model.posterior_sample(x, seed=[seed, 7])
    else:
        codes = model.encode(x)
    return np.asarray(codes), np.repeat(np.arange(len(points.points(name))), n)


class Evaluate(keras.callbacks.Callback):
    """Every `every` generator updates (checked at epoch ends): the run's metrics into TensorBoard
    (DIR/logs/eval, scalars named eval/METRIC) and printed.

    `evaluate(model)` returns a dict of metric name -> number (train.lib.evaluate).
    """

    def __init__(self, evaluate, every, log_dir):
        super().__init__()
        self.evaluate = evaluate
        self.every = every
        self.writer = tf.summary.create_file_writer(os.path.join(log_dir, "eval"))

    def on_train_begin(self, logs=None):
        self.last = step_of(self.model)  # a resumed run counts from where it resumed

    def on_epoch_end(self, epoch, logs=None):
        step = step_of(self.model)
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
