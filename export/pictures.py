"""Pictures of samples: image grids and 2-D scatter plots (numpy, Pillow, matplotlib; no TensorFlow)."""
import math
import os

import numpy as np

from zoo_core import files


def to_uint8(x, value_range=(-1.0, 1.0)):
    """Images in `value_range` -> uint8 pixels (clipped)."""
    lo, hi = value_range
    x = (np.asarray(x, np.float32) - lo) / (hi - lo)
    return np.round(np.clip(x, 0.0, 1.0) * 255.0).astype(np.uint8)


def grid(images, value_range=(-1.0, 1.0), pad=2):
    """[N, H, W, C] images -> one [rows*H, cols*W, C] uint8 grid, as square as N allows."""
    images = to_uint8(images, value_range)
    n, h, w, c = images.shape
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    out = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, c), 255, np.uint8)
    for i, im in enumerate(images):
        r, q = divmod(i, cols)
        out[pad + r * (h + pad):pad + r * (h + pad) + h, pad + q * (w + pad):pad + q * (w + pad) + w] = im
    return out


def save_png(array, path):
    from PIL import Image

    array = array[..., 0] if array.shape[-1] == 1 else array
    _atomic(path, lambda tmp: Image.fromarray(array).save(tmp, format="PNG"))


def scatter(points, path, centres=None, title=None, label="samples", others=()):
    """A 2-D scatter plot of `points` (and of each (label, points) in `others`, and the mixture's
    mode centres, if given) written to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.5, label=label)
    for other_label, other in others:
        ax.scatter(other[:, 0], other[:, 1], s=2, alpha=0.5, label=other_label)
    if centres is not None:
        ax.scatter(centres[:, 0], centres[:, 1], s=40, marker="x", c="red", label="modes")
    if centres is not None or others:
        ax.legend(loc="upper right", markerscale=4)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    _atomic(path, lambda tmp: fig.savefig(tmp, format="png", bbox_inches="tight"))
    plt.close(fig)


def posterior(codes, labels, path, title=None):
    """The AVB paper's picture of posterior regions: 2-D codes z ~ q(z|x_k) coloured by their data
    point k, over the prior's 1, 2 and 3 sigma circles."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    for r in (1, 2, 3):
        ax.add_patch(plt.Circle((0, 0), r, fill=False, lw=0.5, color="grey"))
    for k in np.unique(labels):
        ax.scatter(codes[labels == k, 0], codes[labels == k, 1], s=2, alpha=0.5, label=f"x{k + 1}")
    ax.legend(loc="upper right", markerscale=4)
    ax.set_xlim(-3.5, 3.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    _atomic(path, lambda tmp: fig.savefig(tmp, format="png", bbox_inches="tight"))
    plt.close(fig)


def read_png(path):
    """A PNG file as a uint8 RGB array (the picture just written, for TensorBoard)."""
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def _atomic(path, write):
    """Writes through a temporary file and a rename, so a kill never leaves half a file at `path`."""
    if not isinstance(path, (str, os.PathLike)):
        write(path)
        return
    with files.atomic_path(path) as tmp:
        write(tmp)
