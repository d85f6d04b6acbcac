"""Datasets: name -> infinite tf.data.Dataset of GLOBAL batches, deterministic from a seed.

Every dataset is batched by the global batch size; under a tf.distribute strategy Keras splits each
batch across replicas. With `group=n` every element holds n sub-batches, shape [batch, n, ...]:
a GAN with n_critic = n consumes one element per generator update, and each replica's slice of
sub-batch k is exactly its slice of the single-device sub-batch k.

Binary sets (binarized_mnist, four_points) hold -1 / +1 values; models with a Bernoulli decoder
read +1 as a 1 (zoo.models.likelihood).
"""
from zoo.data import images, points, toy
from zoo.data.own import batches, check_value_range  # noqa: F401  (the Python API: a user's own data)
from zoo.errors import UserError, choose

TOY = tuple(toy.MIXTURES)
IMAGES = tuple(images.IMAGE_SETS)
POINTS = tuple(points.POINTS)
NAMES = TOY + IMAGES + POINTS
BINARY = (images.BINARIZED,) + POINTS


def is_toy(name):
    """A 2-D mixture of zoo.data.toy."""
    return name in toy.MIXTURES


def is_image(name):
    return name in images.IMAGE_SETS


def data_shape(name):
    """Shape of one example of dataset `name`."""
    choose("dataset", name, dict.fromkeys(NAMES))
    if is_toy(name):
        return (2,)
    if name in points.POINTS:
        return (points.POINTS[name],)
    return images.IMAGE_SETS[name][1]


def load(name, batch_size, seed, group=1, start=0, download=True, split="train"):
    """The infinite training stream of `name` (see module docstring); `start` is in batches; `split`
    a tfds split of an image set ("train", "train[:50000]", ...)."""
    choose("dataset", name, dict.fromkeys(NAMES))
    if split != "train" and (is_toy(name) or name in points.POINTS):
        raise UserError(f"dataset {name!r} is sampled, it has no splits (config.data.split={split!r})")
    if is_toy(name):
        return toy.dataset(name, batch_size, seed, group=group, start=start)
    if name in points.POINTS:
        if group != 1:
            raise UserError(f"dataset {name!r} has no sub-batches (group={group}); use it with "
                            f"models that take one batch per step")
        return points.dataset(name, batch_size, seed, start=start)
    return images.dataset(name, batch_size, seed, group=group, start=start, download=download)
