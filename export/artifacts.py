"""Reading an export without TensorFlow: metadata, checksums and onnxruntime sessions.

The TF-free CLIs (export.sample, export.encode) use only this, numpy, onnxruntime and Pillow.
"""
import json
import os

from zoo_core import files
from zoo_core.errors import UserError


class ExportError(UserError):
    """A bad export directory or input; the message is one sentence for the user."""


def check_out(path, suffixes=None):
    """Refuses an output path with another suffix (when `suffixes` are given) or in a folder that does
    not exist (before any work)."""
    if suffixes and not path.endswith(tuple(suffixes)):
        raise ExportError(f"--out must end in {' or '.join(suffixes)}, not {path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ExportError(f"the folder of --out, {folder}, does not exist")


def load_metadata(export_dir):
    path = os.path.join(export_dir, "metadata.json")
    if not os.path.isfile(path):
        raise ExportError(f"{export_dir} is not an export directory (no metadata.json)")
    problem = files.checksum_problem(path)  # exports before format 2's checksum file have none
    if problem:
        raise ExportError(f"{path} cannot be used: {problem}; re-export with python -m train.export --workdir=DIR")
    try:
        with open(path) as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise ExportError(f"{path} is not valid JSON ({e})") from None


def verify(export_dir, metadata, name):
    """The path of EXPORT_DIR/NAME ("generator.onnx" or "encoder.onnx") after checking its SHA-256
    against metadata.json; ExportError if it is missing or differs."""
    path = os.path.join(export_dir, name)
    if name not in metadata.get("artifacts", {}):
        why = (f"model {metadata.get('model')!r} has no encoder" if name == "encoder.onnx" and not metadata.get("encoder")
               else "it was exported without the onnx format (python -m export --workdir=DIR --format=onnx)")
        raise ExportError(f"{export_dir} has no {name}: {why}")
    if not os.path.isfile(path):
        raise ExportError(f"{export_dir} has no {name}, which its metadata.json lists: the folder is incomplete "
                          f"(copy the whole export, or export again)")
    if files.sha256(path) != metadata["artifacts"][name]:
        raise ExportError(f"{path} does not match the SHA-256 in metadata.json (modified or corrupt)")
    return path


def session(export_dir, metadata, name):
    """An onnxruntime session on EXPORT_DIR/NAME after `verify`."""
    import onnxruntime as ort

    return ort.InferenceSession(verify(export_dir, metadata, name), providers=["CPUExecutionProvider"])
