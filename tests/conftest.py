"""Test session set-up: 2 logical CPU devices (before TensorFlow initialises), offline tfds data, and
TensorFlow op determinism on (in this process, and through TF_DETERMINISTIC_OPS in every training
subprocess, as `python -m train --deterministic` does).

Mirrored tests share ONE MirroredStrategy: a second strategy in the same process reuses collective
instance keys and fails with "Shape mismatch in the collective instance" (TF 2.21, measured).
"""
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_DETERMINISTIC_OPS"] = "1"
_SHARED = pathlib.Path(__file__).resolve().parents[2] / "shared" / "tensorflow_datasets"
if "TFDS_DATA_DIR" not in os.environ and _SHARED.is_dir():
    os.environ["TFDS_DATA_DIR"] = str(_SHARED)

import pytest  # noqa: E402

from train import runtime  # noqa: E402

runtime.quiet()  # no TensorFlow start-up lines from the test processes (pytest-xdist's workers print them)
import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(_cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
tf.config.experimental.enable_op_determinism()

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def mirrored():
    return tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])


@pytest.fixture(scope="session")
def root():
    return ROOT
