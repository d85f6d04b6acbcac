"""tensorflow-datasets image sets as infinite, seeded batches scaled to [-1, 1]."""
import os

import numpy as np
import tensorflow as tf

from zoo.errors import UserError

# name -> (tfds name, image shape the zoo trains on)
IMAGE_SETS = {
    "mnist": ("mnist", (28, 28, 1)),
    "fashion_mnist": ("fashion_mnist", (28, 28, 1)),
    "cifar10": ("cifar10", (32, 32, 3)),
    "celeb_a": ("celeb_a", (64, 64, 3)),
    # Stacked MNIST (Metz et al. 2017; PacGAN; VEEGAN): three independently drawn MNIST digits as the
    # three channels, 1000 modes (the digit triples)
    "stacked_mnist": ("mnist", (28, 28, 3)),
    # MNIST with every pixel drawn from Bernoulli(intensity / 255) each time an image is seen
    # (dynamic binarisation, as in the VAE/IWAE/AVB literature); pixels are -1 or +1
    "binarized_mnist": ("mnist", (28, 28, 1)),
}
STACKED = "stacked_mnist"
BINARIZED = "binarized_mnist"


def binarize(x, key):
    """Images in [-1, 1] -> pixels in {-1, +1}, +1 with probability (x + 1) / 2 (stateless `key`)."""
    u = tf.random.stateless_uniform(tf.shape(x), seed=key)
    return tf.where(u < (x + 1.0) / 2.0, 1.0, -1.0)


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
    if not online():
        raise UserError(f"{advice} (no network: could not reach the tfds download servers)")
    try:
        builder.download_and_prepare()
    except Exception as e:  # tfds raises many types offline (DNS, HTTP, GCS); all mean the same here
        raise UserError(f"{advice} (download failed: {type(e).__name__})") from None
    return builder


def online(timeout=5.0):
    """Whether Google's storage servers (tfds data, Keras weights) answer; offline, tfds and Keras
    would otherwise retry for minutes."""
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


def _stream(builder, split, seed, skip):
    """One infinite, shuffled stream of uint8 images of `builder`, `skip` images in."""
    ds = builder.as_dataset(split=split, shuffle_files=False)
    ds = ds.map(lambda ex: ex["image"], num_parallel_calls=tf.data.AUTOTUNE)
    if builder.info.splits[split].num_examples <= 100_000:
        ds = ds.cache()  # small sets (mnist: 47 MB of uint8) are decoded once
    ds = ds.repeat().shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    return ds.skip(skip) if skip else ds


def batched(ds, shape, batch_size, group=1):
    """A stream of examples of `shape` -> batches [batch_size, (group,) *shape] (see zoo.data)."""
    ds = ds.batch(batch_size * group, drop_remainder=True)
    if group > 1:
        ds = ds.map(lambda x: tf.reshape(x, [batch_size, group, *shape]))
    return ds


def dataset(name, batch_size, seed, group=1, start=0, split="train", download=True):
    """Infinite, seeded, shuffled batches [batch_size, (group,) H, W, C] in [-1, 1].

    The data order is a pure function of the seed; `start` skips that many batches so a resumed run
    continues where it stopped. Stacked MNIST zips three MNIST streams shuffled with seeds
    (seed, seed + 1, seed + 2) and stacks them as channels.
    """
    builder = _builder(name, download)
    try:
        builder.info.splits[split]
    except (KeyError, ValueError, AssertionError) as e:
        raise UserError(f"bad split {split!r} of {name!r} ({str(e).splitlines()[0]}); e.g. 'train' or "
                        f"'train[:50000]'") from None
    shape = IMAGE_SETS[name][1]
    per_step = batch_size * group
    if name == STACKED:
        streams = [_stream(builder, split, seed + k, start * per_step) for k in range(3)]
        ds = tf.data.Dataset.zip(tuple(streams)).map(lambda *ims: tf.concat(ims, axis=-1))
    else:
        ds = _stream(builder, split, seed, start * per_step)
    ds = batched(ds.map(lambda im: to_unit_range(im, shape), num_parallel_calls=tf.data.AUTOTUNE),
                 shape, batch_size, group)
    if name == BINARIZED:  # batch i's draws are keyed on (seed, i): a resumed run redraws the same pixels
        base = tf.constant([seed, 0xB1], tf.int64)
        ds = tf.data.Dataset.zip((tf.data.Dataset.counter(start), ds)).map(
            lambda i, x: binarize(x, tf.random.experimental.stateless_fold_in(base, i)),
            num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def arrays(name, split, download=False, seed=0):
    """A whole split of image set `name` as (images float32 [N, H, W, C] in [-1, 1], labels int64 [N]).

    `split` is a tfds split string (e.g. "test", "train[50000:51000]"). For evaluation: every
    metric's reference set is read through here, in the dataset's stored order. Stacked MNIST: image
    i stacks digits i, p1(i) and p2(i) of the split for two permutations drawn from `seed`; its
    label is the mode 100 a + 10 b + c of the digits (a, b, c). Binarised MNIST: one fixed
    binarisation of the split drawn with numpy seed `seed` (the same for every model evaluated).
    """
    builder = _builder(name, download)
    ds = builder.as_dataset(split=split, shuffle_files=False)
    label = "label" if "label" in builder.info.features else None
    ds = ds.map(lambda ex: (ex["image"], ex[label] if label else tf.constant(-1, tf.int64)))
    images, labels = [], []
    for x, y in ds.batch(10_000).prefetch(1):
        images.append(x.numpy())
        labels.append(y.numpy())
    images, labels = np.concatenate(images), np.concatenate(labels).astype(np.int64)
    if name == STACKED:
        rng = np.random.default_rng(seed)
        order = [np.arange(len(images)), rng.permutation(len(images)), rng.permutation(len(images))]
        images = np.concatenate([images[p] for p in order], axis=-1)
        labels = 100 * labels[order[0]] + 10 * labels[order[1]] + labels[order[2]]
    shape = IMAGE_SETS[name][1]
    if name == BINARIZED:
        u = np.random.default_rng(seed).random(images.shape)
        return np.where(u < images / 255.0, 1.0, -1.0).astype(np.float32), labels
    if images.shape[1:] == shape:
        return images.astype(np.float32) / 127.5 - 1.0, labels
    return tf.map_fn(lambda im: to_unit_range(im, shape), images, fn_output_signature=tf.float32).numpy(), labels
