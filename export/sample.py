"""python -m export.sample EXPORT_DIR --num=64 --seed=0 --out=grid.png|samples.npy

Draws z from the prior named in metadata.json, runs generator.onnx with onnxruntime, and writes an
image grid (image data), a scatter plot (2-D data) or the raw samples (.npy). Imports no TensorFlow:
it runs wherever numpy, onnxruntime, Pillow and matplotlib do.
"""
import argparse
import json
import os
import sys

import numpy as np

from export.artifacts import sha256


class ExportError(ValueError):
    pass


def load_metadata(export_dir):
    path = os.path.join(export_dir, "metadata.json")
    if not os.path.isfile(path):
        raise ExportError(f"{export_dir} is not an export directory (no metadata.json)")
    with open(path) as f:
        return json.load(f)


def draw_prior(prior, num, latent_dim, seed):
    """z [num, latent_dim] float32 from the prior described in metadata.json."""
    rng = np.random.default_rng(seed)
    if prior["name"] == "normal":
        z = rng.normal(prior["loc"], prior["scale"], size=(num, latent_dim))
    elif prior["name"] == "uniform":
        z = rng.uniform(prior["low"], prior["high"], size=(num, latent_dim))
    elif prior["name"] == "sphere":  # a normalised Gaussian is uniform on the sphere
        z = rng.normal(size=(num, latent_dim))
        z = prior["radius"] * z / np.linalg.norm(z, axis=1, keepdims=True)
    else:
        raise ExportError(f"unsupported prior {prior['name']!r} in metadata.json")
    return z.astype(np.float32)


def generator_session(export_dir, metadata):
    """An onnxruntime session on generator.onnx after checking its SHA-256 against metadata.json."""
    import onnxruntime as ort

    path = os.path.join(export_dir, "generator.onnx")
    if not os.path.isfile(path):
        raise ExportError(f"{export_dir} has no generator.onnx")
    if sha256(path) != metadata["artifacts"]["generator.onnx"]:
        raise ExportError(f"{path} does not match the SHA-256 in metadata.json (modified or corrupt)")
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def sample(export_dir, num, seed):
    """num samples [num, *data shape] from the exported generator."""
    metadata = load_metadata(export_dir)
    session = generator_session(export_dir, metadata)
    z = draw_prior(metadata["prior"], num, metadata["latent_dim"], seed)
    return session.run(["x"], {"z": z})[0], metadata


def write(x, metadata, out):
    from export import pictures

    if out.endswith(".npy"):
        np.save(out, x)
    elif metadata["data"]["value_range"] is not None:
        pictures.save_png(pictures.grid(x, tuple(metadata["data"]["value_range"])), out)
    elif x.ndim == 2 and x.shape[1] == 2:
        pictures.scatter(x, out, title=f"{metadata.get('config', 'export')}: {len(x)} samples")
    else:
        raise ExportError("this export's samples are neither images nor 2-D points: use --out=FILE.npy")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m export.sample", description=__doc__.split("\n\n")[1])
    parser.add_argument("export_dir")
    parser.add_argument("--num", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="samples.png", help="a .png or .npy path")
    args = parser.parse_args(argv)
    try:
        if args.num < 1:
            raise ExportError(f"--num must be at least 1, not {args.num}")
        if not args.out.endswith((".png", ".npy")):
            raise ExportError(f"--out must end in .png or .npy, not {args.out!r}")
        x, metadata = sample(args.export_dir, args.num, args.seed)
        write(x, metadata, args.out)
    except ExportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.num} samples to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
