"""Datasets: name -> infinite tf.data.Dataset of GLOBAL batches, deterministic from a seed.

A dataset is named by a string ("mnist", "ring", ...) or by a mapping with a "name" and the
dataset's options: config.data, whose keys path, image_size, channels and resize describe a folder
of one's own images (name "folder", zoo.data.folder) and are refused for the other datasets.

Every dataset is batched by the global batch size; under a tf.distribute strategy Keras splits each
batch across replicas. With `group=n` every element holds n sub-batches, shape [batch, n, ...]:
a GAN with n_critic = n consumes one element per generator update, and each replica's slice of
sub-batch k is exactly its slice of the single-device sub-batch k.

Binary sets (binarized_mnist, four_points) hold -1 / +1 values; models with a Bernoulli decoder
read +1 as a 1 (zoo.models.likelihood).
"""
from zoo.data import folder, images, points, toy
from zoo.data.own import batches, check_value_range  # noqa: F401  (the Python API: a user's own data)
from zoo.errors import UserError, choose

TOY = tuple(toy.MIXTURES)
IMAGES = tuple(images.IMAGE_SETS)
POINTS = tuple(points.POINTS)
FOLDER = folder.NAME
NAMES = TOY + IMAGES + POINTS + (FOLDER,)
BINARY = (images.BINARIZED,) + POINTS


def name_of(data):
    """The dataset's name, checked: `data` is a name or a mapping with one (config.data)."""
    name = data if isinstance(data, str) else data["name"]
    choose("dataset", name, dict.fromkeys(NAMES))
    if not isinstance(data, str) and name != FOLDER:
        given = [k for k, default in folder.DEFAULTS.items() if k in data and data[k] != default]
        if given:
            raise UserError(f"data.{given[0]} describes a folder of images (data.name='folder'), not "
                            f"dataset {name!r}")
    return name


def folder_options(data):
    """The checked options of a folder dataset `data` (zoo.data.folder.Options)."""
    if isinstance(data, str):
        raise UserError("data.name='folder' needs data.path, the folder of images to train on")
    return folder.options(data)


def is_toy(data):
    """A 2-D mixture of zoo.data.toy."""
    return name_of(data) in toy.MIXTURES


def is_image(data):
    """Images in [-1, 1] that map to pixels (a tfds set or a folder)."""
    name = name_of(data)
    return name in images.IMAGE_SETS or name == FOLDER


def data_shape(data):
    """Shape of one example of the dataset `data`."""
    name = name_of(data)
    if name == FOLDER:
        return folder_options(data).shape
    if is_toy(name):
        return (2,)
    if name in points.POINTS:
        return (points.POINTS[name],)
    return images.IMAGE_SETS[name][1]


def load(data, batch_size, seed, group=1, start=0, download=True, split="train"):
    """The infinite training stream of `data` (see module docstring); `start` is in batches; `split`
    a tfds split of an image set ("train", "train[:50000]", ...)."""
    name = name_of(data)
    if split != "train" and name not in images.IMAGE_SETS:
        what = "is sampled" if name != FOLDER else "is one folder"
        raise UserError(f"dataset {name!r} {what}, it has no splits (config.data.split={split!r}: "
                        f"set it to 'train')")
    if name == FOLDER:
        return folder.dataset(folder_options(data), batch_size, seed, group=group, start=start)
    if is_toy(name):
        return toy.dataset(name, batch_size, seed, group=group, start=start)
    if name in points.POINTS:
        if group != 1:
            raise UserError(f"dataset {name!r} has no sub-batches (group={group}); use it with "
                            f"models that take one batch per step")
        return points.dataset(name, batch_size, seed, start=start)
    return images.dataset(name, batch_size, seed, group=group, start=start, split=split, download=download)


def real_images(data, n, download=False):
    """`n` real images of the image dataset `data` in [-1, 1], for pictures: the first n of a tfds
    set's test split, or a fixed draw of n of a folder's images."""
    if name_of(data) == FOLDER:
        return folder.reference(folder_options(data), n)
    return images.arrays(name_of(data), f"test[:{n}]", download=download)[0]
