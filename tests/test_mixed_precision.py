"""Mixed precision (config.mixed_precision, a GPU option; run here on CPU): the GAN trains with
float16 or bfloat16 compute, and exports in float32.

Measured here (nsgan_toy, 4 steps): onnxruntime against the float32 copy 4.8e-7 (float16) and
3.0e-8 (bfloat16); the float32 export against the mixed-precision Keras forward 2.7e-3 / 1.4e-3
(the float16/bfloat16 rounding of training-time compute).
"""
import json
import os

import numpy as np
import onnxruntime as ort
import pytest
import tensorflow as tf

from export import lib as export_lib
from tests.test_train import tiny
from train import lib
from zoo.errors import UserError


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_trains_and_exports_float32(tmp_path, policy):
    config = tiny("nsgan_toy", steps=4)
    config.mixed_precision = policy
    model, _ = lib.run(config, str(tmp_path), tf.distribute.get_strategy(), verbose=0)
    assert model.generator.dtype_policy.name == policy and model.generator.layers[1].kernel.dtype == "float32"
    assert int(model.optimizer.iterations) == 4
    assert (type(model.g_optimizer).__name__ == "LossScaleOptimizer") == (policy == "mixed_float16")
    losses = json.load(open(tmp_path / "metrics.json"))["final_losses"]
    assert np.isfinite(list(losses.values())).all()
    z = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32)
    mixed = model.generate(z).numpy()
    assert mixed.dtype == np.float32
    float32 = export_lib.float32_model(model).generate(z).numpy()
    onnx = ort.InferenceSession(os.path.join(tmp_path, "export", "generator.onnx")).run(["x"], {"z": z})[0]
    np.testing.assert_allclose(onnx, float32, atol=1e-5)
    np.testing.assert_allclose(onnx, mixed, atol=2e-2)  # the training-time rounding, not a bug
    meta = json.load(open(tmp_path / "export" / "metadata.json"))
    assert meta["precision"] == dict(artifacts="float32", trained=policy)


def test_mixed_precision_is_validated():
    from train import build

    config = tiny("vae_toy")
    config.mixed_precision = "mixed_float16"
    with pytest.raises(UserError, match="mixed_precision is an option of the gan model, not 'vae'"):
        build.validate(config, 1)
    config = tiny("nsgan_toy")
    config.mixed_precision = "float8"
    with pytest.raises(UserError, match="unknown mixed_precision 'float8'; choose one of: mixed_bfloat16, mixed_float16"):
        build.validate(config, 1)
