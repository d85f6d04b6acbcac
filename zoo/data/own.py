"""A user's own data as the batches the zoo's models train on (the Python API; README "Python API").

    ds = zoo.data.batches(my_examples, batch_size=64, group=model.n_critic)
    model.fit(ds, steps_per_epoch=500, epochs=10)

`my_examples` is a tf.data.Dataset of single float32 examples of the model's data shape (or a numpy
array / tensor of them), with values in [-1, 1] (images: pixel / 127.5 - 1). The batches repeat
forever, shuffled with a seed; with group = n (a GAN critic trained n times per generator update:
WGAN, WGAN-GP) each element holds n sub-batches, [batch_size, n, *shape], as the built-in datasets.
"""
import warnings

import numpy as np
import tensorflow as tf

from zoo.data import images
from zoo.errors import UserError

CHECKED = 1000  # examples whose values are checked before training


def batches(examples, batch_size, group=1, seed=0, shuffle=10_000, value_range=(-1.0, 1.0)):
    """Infinite, shuffled batches [batch_size, (group,) *shape] of `examples` (see module docstring);
    a UserError if the first examples lie outside `value_range` or are not numbers."""
    if not isinstance(examples, tf.data.Dataset):
        examples = tf.data.Dataset.from_tensor_slices(np.asarray(examples, np.float32))
    if isinstance(examples.element_spec, (tuple, dict)):
        raise UserError("batches() takes a dataset of examples x alone, not (x, y) pairs or dicts: map them to x first")
    if group < 1 or batch_size < 1:
        raise UserError(f"batch_size and group must be positive integers, not {batch_size} and {group}")
    check_value_range(examples, value_range)
    shape = examples.element_spec.shape
    ds = examples.map(lambda x: tf.cast(x, tf.float32)).repeat().shuffle(shuffle, seed=seed)
    return images.batched(ds, shape, batch_size, group).prefetch(tf.data.AUTOTUNE)


def check_value_range(examples, value_range=(-1.0, 1.0)):
    """Raises a UserError when the first CHECKED examples of a dataset leave `value_range`: the
    models' outputs (tanh) and every metric assume [-1, 1], and [0, 1] or [0, 255] data would train
    silently towards the wrong range."""
    if not examples.element_spec.dtype.is_floating and not examples.element_spec.dtype.is_integer:
        raise UserError(f"examples must be numbers, not {examples.element_spec.dtype.name}")
    x = np.concatenate([np.asarray(e, np.float64).reshape(1, -1) for e in examples.take(CHECKED)])
    lo, hi = value_range
    if not np.isfinite(x).all():
        raise UserError("the examples hold NaN or infinite values")
    if x.min() < lo - 1e-6 or x.max() > hi + 1e-6:
        hint = " (pixels in [0, 255]: x / 127.5 - 1)" if x.min() >= 0 and x.max() > 2 else ""
        raise UserError(f"the examples range over [{x.min():.4g}, {x.max():.4g}], outside [{lo:g}, {hi:g}]: "
                        f"scale them first{hint}")
    if examples.element_spec.shape.rank >= 2 and x.min() >= 0 and lo < 0:  # images that never reach below 0
        warnings.warn(f"every value of the first {len(x)} images is >= 0: if they are in [0, 1], scale them to "
                      f"[{lo:g}, {hi:g}] (2 x - 1)", stacklevel=3)
