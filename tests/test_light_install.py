"""The light serving install (`pip install .`, no extras): a fresh venv without TensorFlow samples
and encodes an export. It builds a venv and installs from the package registry, so it runs under
CI=true (or ZOO_TEST_LIGHT_INSTALL=1) and is skipped elsewhere."""
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

from export import lib as export_lib
from train import lib as train_lib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.skipif(not (os.environ.get("CI") or os.environ.get("ZOO_TEST_LIGHT_INSTALL")),
                                reason="builds a venv from the package registry: CI=true or ZOO_TEST_LIGHT_INSTALL=1")


def test_a_venv_without_tensorflow_samples_and_encodes(tmp_path):
    from zoo import nets
    from zoo.models import BiGAN

    keras.utils.set_random_seed(3)
    shape = (28, 28, 1)
    model = BiGAN(nets.build_generator("mlp", 4, shape, widths=(16,), output_activation="tanh"),
                  nets.build("encoder", "mlp", shape, 4, widths=(16,)),
                  nets.build("joint_discriminator", "mlp", shape, 4, widths=(8,)))
    model.compile(g_optimizer=keras.optimizers.Adam(), d_optimizer=keras.optimizers.Adam())
    info = dict(data=train_lib.data_info("mnist"), model="bigan", objective=None, config="t", steps=0, metrics={})
    export_dir = tmp_path / "export"
    export_lib.export(model, str(export_dir), info, formats=("onnx",))

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
