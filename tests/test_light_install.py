"""The light serving install (`pip install .`, no extras): a fresh venv without TensorFlow samples
and encodes an export, and the pretrained models that ship. It builds a venv and installs from the package registry, so it runs under
CI=true (or ZOO_TEST_LIGHT_INSTALL=1) and is skipped elsewhere."""
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import image_bigan_export

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.skipif(not (os.environ.get("CI") or os.environ.get("ZOO_TEST_LIGHT_INSTALL")),
                                reason="builds a venv from the package registry: CI=true or ZOO_TEST_LIGHT_INSTALL=1")


def test_a_venv_without_tensorflow_samples_and_encodes(tmp_path):
    export_dir = tmp_path / "export"
    model = image_bigan_export(export_dir, seed=3, formats=("onnx",))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "-q", ROOT], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    listed = subprocess.run([python, "-m", "pip", "list"], capture_output=True, text=True).stdout.lower()
    assert "onnxruntime" in listed and "tensorflow" not in listed and "keras" not in listed

    def run(*args):
        return subprocess.run([python, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300)

    result = run("-m", "export.sample", str(export_dir), "--num=16", "--out=grid.png")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    result = run("-m", "export.sample", str(export_dir), "--num=5", "--seed=1", "--out=x.npy")
    assert result.returncode == 0, result.stderr
    x = np.load(tmp_path / "x.npy")
    np.save(tmp_path / "in.npy", x)
    result = run("-m", "export.encode", str(export_dir), "--input=in.npy", "--out=codes.npy")
    assert result.returncode == 0, result.stderr
    assert np.abs(np.load(tmp_path / "codes.npy") - model.encode(x).numpy()).max() < 1e-4
    result = run("-c", "import tensorflow")
    assert "No module named 'tensorflow'" in result.stderr
    # the pretrained models are installed with the package: one command, no training, no network
    result = run("-m", "export.sample", "--pretrained=nsgan_mnist", "--num=16", "--out=pretrained.png")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    result = run("-c", "from export import pretrained; print(pretrained.encode('bigan_mnist', "
                 "pretrained.sample('bigan_mnist', 4)).shape)")
    assert result.stdout.strip() == "(4, 50)", result.stderr
