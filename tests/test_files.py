"""zoo_core.files: a failed write leaves the destination as it was and no temporary behind."""
import json
import os

import pytest

from zoo_core import files


def test_write_json_replaces_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "record.json"
    files.write_json(path, {"a": 1})
    files.write_json(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert os.listdir(tmp_path) == ["record.json"]


def test_failed_write_keeps_the_old_record(tmp_path):
    path = tmp_path / "codes.npy"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), files.atomic_path(path, suffix=".npy") as tmp:
        assert tmp.endswith(".npy") and os.path.dirname(tmp) == str(tmp_path)
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise RuntimeError("killed mid-write")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["codes.npy"]


def test_a_folder_is_replaced_whole(tmp_path):
    dest = tmp_path / "epoch-1"
    with files.atomic_path(dest) as tmp:
        os.makedirs(os.path.join(tmp, "sub"))
        with open(os.path.join(tmp, "sub", "w.h5"), "wb") as f:
            f.write(b"weights")
    assert (dest / "sub" / "w.h5").read_bytes() == b"weights"
    assert os.listdir(tmp_path) == ["epoch-1"]


def test_write_lines(tmp_path):
    path = tmp_path / "r.jsonl"
    files.write_lines(path, ['{"x": 1}', '{"x": 2}'])
    assert path.read_text() == '{"x": 1}\n{"x": 2}\n'
