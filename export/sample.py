"""python -m export.sample EXPORT_DIR|--pretrained=NAME --num=64 --seed=0 --out=grid.png|samples.npy [--truncation=T]

Draws z from the prior named in metadata.json, runs generator.onnx with onnxruntime, and writes an
image grid (image data), a scatter plot (2-D data) or the raw samples (.npy). Imports no TensorFlow:
it runs wherever numpy, onnxruntime, Pillow and matplotlib do.
"""
import argparse
import sys

import numpy as np

from export import pretrained
from export.artifacts import ExportError, check_out, load_metadata, session
from zoo_core import errors, files, priors

MIN_TRUNCATION = 0.01  # below it nearly every draw is rejected (acceptance about 0.8 t): G(loc) is what t -> 0 gives
MAX_GRID = 10_000  # images in one PNG grid; more go to .npy
CHUNK = 4096  # samples generated at a time when streaming to .npy


def draw_prior(prior, num, latent_dim, seed, truncation=None):
    """z [num, latent_dim] float32 from the prior described in metadata.json.

    `truncation` t (normal prior only): the truncation trick, every coordinate with
    |z - loc| > t scale redrawn until it is inside (a normal truncated to [-t, t] standard deviations).
    """
    if seed < 0:
        raise ExportError(f"--seed must be a non-negative integer, not {seed}")
    rng = np.random.default_rng(seed)
    if truncation is not None and prior["name"] != "normal":
        raise ExportError(f"--truncation applies to a normal prior; this export's prior is {prior['name']!r}")
    if truncation is not None and not truncation >= MIN_TRUNCATION:
        raise ExportError(f"--truncation must be at least {MIN_TRUNCATION} (standard deviations), not {truncation}: "
                          f"below it almost every draw is rejected")
    if prior["name"] not in priors.PRIORS:
        raise ExportError(f"unsupported prior {prior['name']!r} in metadata.json")
    if priors.STANDARD[prior["name"]] == "uniform":
        standard = rng.uniform(size=(num, latent_dim))
    else:
        standard = rng.normal(size=(num, latent_dim))
        while truncation is not None and (outside := np.abs(standard) > truncation).any():
            standard[outside] = rng.normal(size=int(outside.sum()))
    z = priors.transform(prior, standard, lambda z: z / np.linalg.norm(z, axis=1, keepdims=True))
    return z.astype(np.float32)


def sample(export_dir, num, seed, truncation=None):
    """num samples [num, *data shape] from the exported generator, and the export's metadata."""
    metadata = load_metadata(export_dir)
    z = draw_prior(metadata["prior"], num, metadata["latent_dim"], seed, truncation)
    return generate(export_dir, z, metadata), metadata


def generate(export_dir, z, metadata=None):
    """G(z) [n, *data shape] from the exported generator for codes z [n, latent_dim] of your own."""
    metadata = metadata or load_metadata(export_dir)
    z = np.asarray(z, np.float32)
    if z.ndim != 2 or z.shape[1] != metadata["latent_dim"]:
        raise ExportError(f"z must have shape [n, {metadata['latent_dim']}], not {list(z.shape)}")
    return session(export_dir, metadata, "generator.onnx").run(["x"], {"z": z})[0]


def stream(export_dir, num, seed, truncation, out):
    """Writes `num` samples to the .npy file `out` CHUNK at a time (memory does not grow with num);
    the same samples as sample(export_dir, num, seed, truncation)."""
    metadata = load_metadata(export_dir)
    z = draw_prior(metadata["prior"], num, metadata["latent_dim"], seed, truncation)  # 4 bytes per code entry
    generator = session(export_dir, metadata, "generator.onnx")
    header = dict(descr=np.lib.format.dtype_to_descr(np.dtype("<f4")), fortran_order=False,
                  shape=(num, *metadata["data_shape"]))
    with files.atomic_path(out, suffix=".npy") as tmp, open(tmp, "wb") as f:
        np.lib.format.write_array_header_1_0(f, header)
        for i in range(0, num, CHUNK):
            f.write(np.ascontiguousarray(generator.run(["x"], {"z": z[i:i + CHUNK]})[0], "<f4").tobytes())


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
    parser.add_argument("export_dir", nargs="?", help="an export folder (DIR/export), or give --pretrained")
    parser.add_argument("--pretrained", metavar="NAME", help="a pretrained model that ships with the package "
                        "(export.pretrained.names())")
    parser.add_argument("--num", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="samples.png", help="a .png or .npy path")
    parser.add_argument("--truncation", type=float, default=None,
                        help="normal prior only: redraw every coordinate of z beyond T standard deviations")
    args = parser.parse_args(argv)
    try:
        args.export_dir = pretrained.export_dir(args)
        if args.num < 1:
            raise ExportError(f"--num must be at least 1, not {args.num}")
        check_out(args.out, (".png", ".npy"))
        if args.out.endswith(".npy"):
            stream(args.export_dir, args.num, args.seed, args.truncation, args.out)
        else:
            if args.num > MAX_GRID:
                raise ExportError(f"--num={args.num} is too many images for one picture (at most {MAX_GRID:,}); "
                                  f"write them to a .npy file")
            x, metadata = sample(args.export_dir, args.num, args.seed, args.truncation)
            write(x, metadata, args.out)
    except ExportError as e:
        errors.say(e)
        return 2
    print(f"wrote {args.num} samples to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
