"""Datasets: name -> infinite tf.data.Dataset of GLOBAL batches, deterministic from a seed.

Every dataset is batched by the global batch size; under a tf.distribute strategy Keras splits each
batch across replicas. With `group=n` every element holds n sub-batches, shape [batch, n, ...]:
a GAN with n_critic = n consumes one element per generator update, and each replica's slice of
sub-batch k is exactly its slice of the single-device sub-batch k.
"""
from zoo.data import images, toy
from zoo.errors import choose

TOY = tuple(toy.MIXTURES)
IMAGES = tuple(images.IMAGE_SETS)
NAMES = TOY + IMAGES


def is_toy(name):
    return name in toy.MIXTURES


def data_shape(name):
    """Shape of one example of dataset `name`."""
    choose("dataset", name, dict.fromkeys(NAMES))
    return (2,) if is_toy(name) else images.IMAGE_SETS[name][1]


def load(name, batch_size, seed, group=1, start=0, download=True):
    """The infinite training stream of `name` (see module docstring); `start` is in batches."""
    choose("dataset", name, dict.fromkeys(NAMES))
    if is_toy(name):
        return toy.dataset(name, batch_size, seed, group=group, start=start)
    return images.dataset(name, batch_size, seed, group=group, start=start, download=download)
