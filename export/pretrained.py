"""Pretrained models that ship with the package: sampling and encoding with no training, no
TensorFlow and no network.

    python -m export.sample --pretrained=nsgan_mnist --out=grid.png
    python -m export.encode --pretrained=bigan_mnist --input=digits/ --out=codes.npy

    from export import pretrained
    x = pretrained.sample("nsgan_mnist", 64)          # [64, 28, 28, 1] in [-1, 1]
    z = pretrained.encode("bigan_mnist", x)           # [64, 50]

Each is an export folder, export/pretrained/NAME: generator.onnx, encoder.onnx where the model has
one, metadata.json (with its SHA-256 file, checked on every read) and MODEL_CARD.md (the commands
that made it, its metrics, the data and their license, how its weights are stored). The weights are
stored as float16 and computed in float32 (benchmarks/pretrained.py packs them from the project's
own runs and measures what that changes; each card has the figure).
"""
import os

from export.artifacts import ExportError, load_metadata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pretrained")


def names():
    """The pretrained models that ship, sorted."""
    if not os.path.isdir(ROOT):
        return []
    return sorted(n for n in os.listdir(ROOT) if os.path.isfile(os.path.join(ROOT, n, "metadata.json")))


def path(name):
    """The export folder of pretrained model `name`, or an ExportError naming the choices."""
    if name not in names():
        raise ExportError(f"unknown pretrained model {name!r}; the pretrained models are: {', '.join(names())}")
    return os.path.join(ROOT, name)


def sample(name, num=64, seed=0, truncation=None):
    """`num` samples of pretrained model `name` drawn with `seed` (export.sample.sample)."""
    from export import sample as sampler

    return sampler.sample(path(name), num, seed, truncation)[0]


def encode(name, x, batch_size=256):
    """The codes of x [N, *data shape] (in the data's value range) by pretrained model `name`'s encoder."""
    import numpy as np

    from export import encode as encoder

    folder = path(name)
    metadata = load_metadata(folder)  # read and verified once
    x = encoder.check_array(np.asarray(x), metadata, "x")
    return encoder.encode(folder, x, batch_size, metadata)


def card(name):
    """MODEL_CARD.md of pretrained model `name`."""
    with open(os.path.join(path(name), "MODEL_CARD.md")) as f:
        return f.read()


def export_dir(args):
    """The export folder a CLI was given: its EXPORT_DIR or --pretrained=NAME, exactly one of them."""
    if (args.export_dir is None) == (args.pretrained is None):
        raise ExportError("give an export folder (EXPORT_DIR) or --pretrained=NAME, one of them "
                          f"(pretrained: {', '.join(names())})")
    return args.export_dir if args.pretrained is None else path(args.pretrained)
