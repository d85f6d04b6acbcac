"""A folder of one's own images as a dataset: config.data.name = "folder", data.path = DIR.

Every PNG, JPEG, WebP, BMP and GIF (its first frame) under DIR, subfolders included, in the order
of their paths, is decoded once with Pillow and made an image of the config's shape:
- `data.channels`: 3 (RGB) or 1 (grey); transparency is dropped (composited on black);
- `data.resize`: "center_crop" (the largest centred square, as the tfds sets here: nothing is
  squeezed) or "stretch" (the whole picture, its aspect ratio not kept);
- `data.image_size`: the side S of the square, reached with an area average when shrinking
  (Pillow's box filter, as tf.image.resize(method="area") for the tfds sets) and bicubic when growing.
The uint8 images [N, S, S, C] are held in memory (N S^2 C bytes: 50,000 images at 64 x 64 x 3 take
614 MB), then streamed as the tfds sets are: repeated, shuffled with the seed, batched, scaled to
[-1, 1]; a resumed run skips what it has seen. Files Pillow cannot read are skipped and counted
(`Folder.skipped`); a folder without images is refused in one sentence.
"""
import concurrent.futures
import dataclasses
import functools
import os

import numpy as np

from zoo.errors import UserError, choose, is_integer

NAME = "folder"
EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif")
RESIZE = ("center_crop", "stretch")
DEFAULTS = dict(path="", image_size=64, channels=3, resize="center_crop")  # config.data's folder keys
MIN_SIDE, MAX_SIDE = 4, 1024


@dataclasses.dataclass(frozen=True)
class Options:
    path: str
    image_size: int
    channels: int
    resize: str

    @property
    def shape(self):
        return (self.image_size, self.image_size, self.channels)


def options(data):
    """The checked folder options of `data` (config.data, or a mapping with its keys), or a UserError."""
    o = {key: data.get(key, default) for key, default in DEFAULTS.items()}
    if not o["path"]:
        raise UserError("data.name='folder' needs data.path, the folder of images to train on")
    if not os.path.isdir(o["path"]):
        what = "is not a folder" if os.path.exists(o["path"]) else "does not exist"
        raise UserError(f"data.path {o['path']} {what}")
    size = o["image_size"]
    if not is_integer(size, MIN_SIDE, MAX_SIDE):
        raise UserError(f"data.image_size must be an integer in [{MIN_SIDE}, {MAX_SIDE}] (the side of the "
                        f"square images), not {size!r}")
    if o["channels"] not in (1, 3) or isinstance(o["channels"], bool):
        raise UserError(f"data.channels must be 1 (grey) or 3 (RGB), not {o['channels']!r}")
    choose("data.resize", o["resize"], dict.fromkeys(RESIZE))
    return Options(os.path.abspath(o["path"]), size, o["channels"], o["resize"])


def image_paths(path):
    """Every image file under `path` (EXTENSIONS, any case), sorted; a UserError when there is none."""
    found = sorted(os.path.join(root, f) for root, _, names in os.walk(path) for f in names
                   if f.lower().endswith(EXTENSIONS) and not f.startswith("."))
    if not found:
        raise UserError(f"data.path {path} holds no images ({', '.join(e[1:] for e in EXTENSIONS)} files, "
                        f"subfolders included)")
    return found


def _decode(path, o):
    """uint8 [S, S, C] of the image file `path`, or None when Pillow cannot read it."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.seek(0)
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")
                im = Image.new("RGB", rgba.size)
                im.paste(rgba, mask=rgba.getchannel("A"))
            im = im.convert("RGB" if o.channels == 3 else "L")
            w, h = im.size
            if o.resize == "center_crop" and w != h:
                side = min(w, h)
                left, top = (w - side) // 2, (h - side) // 2
                im = im.crop((left, top, left + side, top + side))
            if im.size != (o.image_size, o.image_size):
                shrink = min(im.size) >= o.image_size
                im = im.resize((o.image_size, o.image_size),
                               Image.Resampling.BOX if shrink else Image.Resampling.BICUBIC)
            x = np.asarray(im, np.uint8)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):  # what Pillow raises for bad files
        return None
    return x.reshape(o.shape), (w, h)


@dataclasses.dataclass
class Folder:
    """The decoded images of a folder: `images` uint8 [N, S, S, C]; `skipped` the paths that could not
    be read; `sizes` the number of distinct original sizes."""
    images: np.ndarray
    skipped: list
    sizes: int

    def describe(self, o):
        """One line about what was read, for the start of a run."""
        text = f"data: {len(self.images):,} images from {o.path}"
        if self.sizes > 1:
            how = "centre-cropped to squares and " if o.resize == "center_crop" else "stretched and "
            text += f" ({self.sizes} sizes, {how}resized to {o.image_size} x {o.image_size})"
        if self.skipped:
            text += (f"; {len(self.skipped)} unreadable file(s) skipped, the first "
                     f"{os.path.relpath(self.skipped[0], o.path)}")
        return text


@functools.lru_cache(maxsize=2)
def read(o):
    """The Folder of options `o` (decoded once per process, on every core)."""
    paths = image_paths(o.path)
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # Pillow decodes without the GIL
        decoded = list(pool.map(lambda p: _decode(p, o), paths))
    good = [d for d in decoded if d is not None]
    skipped = [p for p, d in zip(paths, decoded) if d is None]
    if not good:
        raise UserError(f"none of the {len(paths)} image files under data.path {o.path} could be read "
                        f"(the first: {os.path.relpath(paths[0], o.path)})")
    images = np.stack([x for x, _ in good])
    return Folder(images, skipped, len({size for _, size in good}))


def reference(o, n=10_000, seed=0):
    """Up to `n` of the folder's images as float32 [-1, 1] (a fixed draw without replacement, `seed`):
    the real side of the metrics."""
    images = read(o).images
    if len(images) > n:
        images = images[np.sort(np.random.default_rng(seed).choice(len(images), n, replace=False))]
    return images.astype(np.float32) / 127.5 - 1.0


def dataset(o, batch_size, seed, group=1, start=0):
    """Infinite, seeded, shuffled batches [batch_size, (group,) S, S, C] in [-1, 1]; `start` batches in."""
    import tensorflow as tf

    from zoo.data import images

    per_step = batch_size * group
    ds = tf.data.Dataset.from_tensor_slices(read(o).images)
    ds = ds.repeat().shuffle(10_000, seed=seed, reshuffle_each_iteration=True)
    if start:
        ds = ds.skip(start * per_step)
    ds = ds.map(lambda im: tf.cast(im, tf.float32) / 127.5 - 1.0, num_parallel_calls=tf.data.AUTOTUNE)
    return images.batched(ds, o.shape, batch_size, group).prefetch(tf.data.AUTOTUNE)
