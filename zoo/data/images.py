"""tensorflow-datasets image sets as infinite, seeded batches scaled to [-1, 1]."""
import os

import tensorflow as tf

from zoo.errors import UserError

# name -> (tfds name, image shape the zoo trains on)
IMAGE_SETS = {
    "mnist": ("mnist", (28, 28, 1)),
    "fashion_mnist": ("fashion_mnist", (28, 28, 1)),
    "cifar10": ("cifar10", (32, 32, 3)),
    "celeb_a": ("celeb_a", (64, 64, 3)),
}


def _builder(name, download):
    """The tfds builder of `name` with its data prepared, or a UserError saying how to get it."""
    import tensorflow_datasets as tfds  # imported lazily: it is slow and only image runs need it

    data_dir = os.environ.get("TFDS_DATA_DIR")
    builder = tfds.builder(IMAGE_SETS[name][0], data_dir=data_dir)
    if builder.is_prepared():
        return builder
    where = f"TFDS_DATA_DIR={data_dir}" if data_dir else f"the default tfds directory {builder.data_dir}"
    advice = (f"dataset {name!r} is not prepared in {where}: set TFDS_DATA_DIR to a directory that "
              f"holds it, or run once with network access (and data.download=True) so tfds downloads it")
    if not download:
        raise UserError(advice)
    if not _online():
        raise UserError(f"{advice} (no network: could not reach the tfds download servers)")
    try:
        builder.download_and_prepare()
    except Exception as e:  # tfds raises many types offline (DNS, HTTP, GCS); all mean the same here
        raise UserError(f"{advice} (download failed: {type(e).__name__})") from None
    return builder


def _online(timeout=5.0):
    """Whether the tfds servers answer; offline, tfds would otherwise retry for minutes."""
    import socket

    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def to_unit_range(image, shape):
    """uint8 image -> float32 in [-1, 1] of `shape` (centre crop to a square, then resize if needed)."""
    h, w = shape[0], shape[1]
    if image.shape[0] != h or image.shape[1] != w:
        side = tf.minimum(tf.shape(image)[0], tf.shape(image)[1])
        image = tf.image.resize_with_crop_or_pad(image, side, side)
        image = tf.image.resize(image, [h, w], method="area", antialias=True)
    image = tf.cast(image, tf.float32) / 127.5 - 1.0
    return tf.ensure_shape(image, shape)


def dataset(name, batch_size, seed, group=1, start=0, split="train", download=True):
    """Infinite, seeded, shuffled batches [batch_size, (group,) H, W, C] in [-1, 1].

    The data order is a pure function of the seed; `start` skips that many batches so a resumed run
    continues where it stopped.
    """
    builder = _builder(name, download)
    shape = IMAGE_SETS[name][1]
    ds = builder.as_dataset(split=split, shuffle_files=False)
    ds = ds.map(lambda ex: ex["image"], num_parallel_calls=tf.data.AUTOTUNE)
    if builder.info.splits[split].num_examples <= 100_000:
        ds = ds.cache()  # small sets (mnist: 47 MB of uint8) are decoded once
    ds = ds.repeat().shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    per_step = batch_size * group
    if start:
        ds = ds.skip(start * per_step)
    ds = ds.map(lambda im: to_unit_range(im, shape), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.batch(per_step, drop_remainder=True)
    if group > 1:
        ds = ds.map(lambda x: tf.reshape(x, [batch_size, group, *shape]))
    return ds.prefetch(tf.data.AUTOTUNE)

