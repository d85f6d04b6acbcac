"""Atomic, durable writes: the one way this project puts a file or a folder on disk.

A record is written under a temporary name beside its destination, flushed to the disk (fsync of
every file it holds), renamed onto the destination (atomic on POSIX within one file system), and
the rename itself is made durable (fsync of the parent directory). A kill at any point leaves either
the old record or the new one at the destination, never half of one; a crash of the machine after
the function returns keeps the new one. Imports no TensorFlow (the serving tools use it).
"""
import contextlib
import hashlib
import json
import os
import shutil

CHECKSUM = ".sha256"  # the checksum file of a record: PATH.sha256 (sha256sum's format)


def temporary_name(path, suffix=""):
    """The temporary name this process writes `path` under (same directory, so the rename is atomic)."""
    return f"{os.path.abspath(path)}.tmp-{os.getpid()}{suffix}"


def fsync_tree(path):
    """fsync a file, or every file and folder of a tree."""
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            for name in names:
                _fsync(os.path.join(root, name))
            _fsync(root)
    else:
        _fsync(path)


def replace(tmp, path):
    """Makes the finished file or folder `tmp` durable, renames it onto `path` (a file; for a folder,
    `path` must not exist) and makes the rename durable."""
    fsync_tree(tmp)
    os.replace(tmp, path)
    _fsync(os.path.dirname(os.path.abspath(path)))


def remove(path):
    """Removes a file or a tree if it exists."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.remove(path)


@contextlib.contextmanager
def atomic_path(path, suffix=""):
    """Yields a temporary path to write (a file, or a folder the caller creates); on success it replaces
    `path`, on an exception it is removed and `path` is untouched. `suffix` ends the temporary name
    for writers that insist on an extension (np.save: ".npy", Keras: ".keras")."""
    tmp = temporary_name(path, suffix)
    remove(tmp)  # left by a killed process of the same pid
    try:
        yield tmp
    except BaseException:
        remove(tmp)
        raise
    replace(tmp, path)


def write_bytes(path, data):
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)


def write_json(path, obj, indent=2):
    write_bytes(path, (json.dumps(obj, indent=indent) + "\n").encode())


def write_lines(path, lines):
    """Replaces a text file (e.g. a jsonl of records) by `lines`, each without its newline."""
    write_bytes(path, "".join(line + "\n" for line in lines).encode())


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256(path):
    """Hex SHA-256 of the file at `path`."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_checksum(path, digest=None):
    """Writes PATH.sha256 (`sha256sum -c` reads it) for the file `path` (its digest, or `digest`)."""
    write_bytes(path + CHECKSUM, f"{digest or sha256(path)}  {os.path.basename(path)}\n".encode())


def checksum_problem(path):
    """Why the file `path` fails its PATH.sha256, in a few words; None when it matches, or when there
    is no checksum file (a record written before checksums: the reader's load decides)."""
    if not os.path.exists(path + CHECKSUM):
        return None
    try:
        with open(path + CHECKSUM) as f:
            expected = f.read().split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return f"its checksum file {os.path.basename(path)}{CHECKSUM} is unreadable"
    if not os.path.isfile(path):
        return "it is missing"
    if sha256(path) != expected:
        return "it does not match its SHA-256 (edited, truncated or corrupted)"
    return None
