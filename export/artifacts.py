"""Artifact checksums (no TensorFlow: the TF-free sampler uses this too)."""
import hashlib


def sha256(path):
    """Hex SHA-256 of the file at `path`."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
