"""python -m export.encode EXPORT_DIR|--pretrained=NAME --input=x.npy|PNG_DIR --out=codes.npy [--batch_size=256]

Encodes data to latent codes with the export's encoder.onnx (BiGAN/ALI, AGE, AVB and VAE exports;
metadata.json's "encoder" says what the code is). The input is a .npy array [N, *data shape] of
float values in the data's value range (metadata.json: data.value_range; images: [-1, 1]), or a
folder of PNG images of the data's size (pixels p become p / 127.5 - 1), read in sorted file-name
order. Writes float32 codes [N, latent_dim]. Imports no TensorFlow: numpy, onnxruntime and Pillow only.
"""
import argparse
import os
import sys

import numpy as np

from export import pretrained
from export.artifacts import ExportError, check_out, load_metadata, session
from zoo_core import errors, files

TOLERANCE = 1e-3  # float round-off allowed outside the value range


def read_pngs(folder, shape):
    """The PNG images of `folder` (sorted by name) as float32 [N, *shape] in [-1, 1]."""
    from PIL import Image

    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(".png"))
    if not names:
        raise ExportError(f"{folder} holds no .png images")
    if len(shape) != 3:
        raise ExportError(f"this export's data are vectors of shape {tuple(shape)}, not images: use --input=FILE.npy")
    height, width, channels = shape
    images = []
    for name in names:
        try:
            image = Image.open(os.path.join(folder, name))
            image.load()
        except (OSError, SyntaxError, ValueError):  # what Pillow raises for a truncated or non-image file
            raise ExportError(f"{os.path.join(folder, name)} is not a readable PNG image") from None
        with image:
            if image.size != (width, height):
                raise ExportError(f"{name} is {image.size[0]}x{image.size[1]} pixels; this export takes "
                                  f"{width}x{height}")
            pixels = np.asarray(image.convert("L" if channels == 1 else "RGB"), np.float32)
        images.append(pixels.reshape(height, width, channels))
    return np.stack(images) / 127.5 - 1.0


def read_input(path, metadata):
    """The input as float32 [N, *data shape], checked against metadata.json's shape and value range."""
    shape = tuple(metadata["data_shape"])
    if os.path.isdir(path):
        x = read_pngs(path, shape)
    elif path.endswith(".npy") and os.path.isfile(path):
        try:
            x = np.load(path, allow_pickle=False)
        except ValueError as e:
            raise ExportError(f"cannot read {path}: {e}") from None
    else:
        raise ExportError(f"--input must be an existing .npy file or a folder of PNG images, not {path!r}")
    return check_array(x, metadata, path, png=os.path.isdir(path))


def check_array(x, metadata, path, png=False):
    """`x` as float32 [N, *data shape] after checking its type, shape, values and value range against
    metadata.json (`path` names it in the messages; `png`: it was read from PNG files)."""
    shape = tuple(metadata["data_shape"])
    if not np.issubdtype(x.dtype, np.floating):
        raise ExportError(f"{path} holds {x.dtype} values; the encoder takes floats in the data's value range "
                          f"(image pixels p map to p / 127.5 - 1)")
    if x.ndim == len(shape) + 1 and tuple(x.shape[1:]) == shape:
        pass
    elif tuple(x.shape) == shape:
        raise ExportError(f"{path} holds one example of shape {x.shape}; add the batch axis: [N, {', '.join(map(str, shape))}]")
    else:
        raise ExportError(f"{path} has shape {x.shape}; this export encodes [N, {', '.join(map(str, shape))}]")
    if not np.isfinite(x).all():
        raise ExportError(f"{path} holds NaN or infinite values")
    value_range = metadata["data"].get("value_range")
    if value_range is not None and len(x):
        lo, hi = value_range
        if x.min() < lo - TOLERANCE or x.max() > hi + TOLERANCE:
            raise ExportError(f"{path} has values in [{x.min():g}, {x.max():g}]; this export's data are in "
                              f"[{lo:g}, {hi:g}] (image pixels p map to p / 127.5 - 1)")
        if lo < 0 and x.min() >= 0 and len(shape) == 3 and not png:
            print(f"note: every value of {path} is >= 0; this export's images are in [{lo:g}, {hi:g}]: if they "
                  f"are in [0, 1], encode 2 x - 1 instead", file=sys.stderr)
    return x.astype(np.float32)


def check_encoder(export_dir, metadata):
    if not metadata.get("encoder"):
        raise ExportError(f"{export_dir} holds a {metadata.get('model')!r} model, which has no encoder "
                          f"(the bigan, age, avb and vae models have one)")


def encode(export_dir, x, batch_size=256, metadata=None):
    """Codes [N, latent_dim] of x [N, *data shape] by the export's encoder.onnx; `metadata`: the
    export's metadata.json when the caller has already read (and so verified) it."""
    if metadata is None:
        metadata = load_metadata(export_dir)
    check_encoder(export_dir, metadata)
    encoder = session(export_dir, metadata, "encoder.onnx")
    parts = [encoder.run(["z"], {"x": x[i:i + batch_size]})[0] for i in range(0, len(x), batch_size)]
    return np.concatenate(parts) if parts else np.zeros([0, metadata["latent_dim"]], np.float32)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m export.encode", description=__doc__.split("\n\n")[1])
    parser.add_argument("export_dir", nargs="?", help="an export folder (DIR/export), or give --pretrained")
    parser.add_argument("--pretrained", metavar="NAME", help="a pretrained model that ships with the package "
                        "(export.pretrained.names())")
    parser.add_argument("--input", required=True, help="a .npy array [N, *data shape] or a folder of PNG images")
    parser.add_argument("--out", default="codes.npy", help="a .npy path for the codes")
    parser.add_argument("--batch_size", type=int, default=256)
    args = parser.parse_args(argv)
    try:
        args.export_dir = pretrained.export_dir(args)
        check_out(args.out, (".npy",))
        if args.batch_size < 1:
            raise ExportError(f"--batch_size must be at least 1, not {args.batch_size}")
        metadata = load_metadata(args.export_dir)
        check_encoder(args.export_dir, metadata)  # before reading a possibly large input
        x = read_input(args.input, metadata)
        codes = encode(args.export_dir, x, args.batch_size, metadata)
    except ExportError as e:
        errors.say(e)
        return 2
    with files.atomic_path(args.out, suffix=".npy") as tmp:
        np.save(tmp, codes)
    print(f"wrote {codes.shape[0]} codes of dimension {codes.shape[1]} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
