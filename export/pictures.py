"""Pictures of samples: image grids and 2-D scatter plots (numpy, Pillow, matplotlib; no TensorFlow)."""
import math
import os

import numpy as np


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


def scatter(points, path, centres=None, title=None):
    """A 2-D scatter plot of `points` (and the mixture's mode centres, if given) written to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.5, label="samples")
    if centres is not None:
        ax.scatter(centres[:, 0], centres[:, 1], s=40, marker="x", c="red", label="modes")
        ax.legend(loc="upper right")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    _atomic(path, lambda tmp: fig.savefig(tmp, format="png", bbox_inches="tight"))
    plt.close(fig)


def scatter_image(points, centres=None, title=None):
    """The scatter plot as a uint8 RGB array (for TensorBoard)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    scatter(points, buf, centres, title)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def _atomic(path, write):
    """Writes through a temporary file and a rename, so a kill never leaves half a file at `path`."""
    if not isinstance(path, (str, os.PathLike)):
        write(path)
        return
    tmp = f"{path}.tmp-{os.getpid()}"
    write(tmp)
    os.replace(tmp, path)
