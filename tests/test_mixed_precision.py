"""Mixed precision (config.mixed_precision; train.precision, tests/test_precision.py for "auto"): the GAN trains with
float16 or bfloat16 compute, and exports in float32.

The float32 copy that is exported holds exactly the mixed model's weights (checked bit for bit); its
outputs differ from the mixed-precision Keras forward by the float16/bfloat16 rounding of the compute,
which depends on the CPU: measured (nsgan_toy, 4 steps, bfloat16) 1.4e-3 with AMX, 6.3e-3 with AVX-512
BF16, 2.4e-2 where TensorFlow emulates bfloat16 (AVX2 only, or TF_ENABLE_ONEDNN_OPTS=0); float16
4.3e-4 to 2.7e-3. The bounds below come from the roundings, not from these.
"""
import json
import os

import numpy as np
import onnxruntime as ort
import pytest
import tensorflow as tf

from export import lib as export_lib
from tests.test_train import tiny
from tests.tolerances import reorder, rounding
from train import cpu, spec, trainer
from zoo.errors import UserError

# nsgan_toy's G without its batch norm (whose roundings the bound below does not count): 5 dense layers,
# 2 -> 4 x 400 -> 2 with Glorot weights; after 4 steps |x| <= 1.7 and every layer's sum |w h| + |b| <= 1.9
# (the size of the weights, not of any rounding): both bounds' scale
SCALE = 2.0
GENERATOR = dict(name="mlp", widths=(400, 400, 400, 400), activation="relu")


@pytest.mark.parametrize("policy", [
    pytest.param("mixed_float16", marks=pytest.mark.skipif(
        cpu.float16_aborts(), reason="ONEDNN_MAX_CPU_ISA caps oneDNN below the float16 kernels this CPU's "
                                     "float16 ops go to (train.cpu.float16_aborts; the trainer refuses it)")),
    "mixed_bfloat16"])
def test_mixed_precision_trains_and_exports_float32(tmp_path, policy):
    config = tiny("nsgan_toy", steps=4)
    config.nets.generator = GENERATOR
    config.mixed_precision = policy
    model, _ = trainer.run(config, str(tmp_path), tf.distribute.get_strategy(), verbose=0)
    assert model.generator.dtype_policy.name == policy and model.generator.layers[1].kernel.dtype == "float32"
    assert int(model.optimizer.iterations) == 4
    assert (type(model.g_optimizer).__name__ == "LossScaleOptimizer") == (policy == "mixed_float16")
    losses = json.load(open(tmp_path / "metrics.json"))["final_losses"]
    assert np.isfinite(list(losses.values())).all()
    z = np.random.default_rng(0).normal(size=(7, 2)).astype(np.float32)
    mixed = model.generate(z).numpy()
    assert mixed.dtype == np.float32
    copy = export_lib.float32_model(model)
    assert copy is not model and len(copy.get_weights()) == len(model.get_weights())
    for a, b in zip(copy.get_weights(), model.get_weights()):  # the export's weights: exact on any CPU
        np.testing.assert_array_equal(a, b)
    float32 = copy.generate(z).numpy()
    onnx = ort.InferenceSession(os.path.join(tmp_path, "export", "generator.onnx")).run(["x"], {"z": z})[0]
    float32_orders = reorder(400, SCALE, depth=5)  # onnxruntime's sums vs TensorFlow's: 1.4e-4
    np.testing.assert_allclose(onnx, float32, atol=float32_orders)
    # under the policy each layer rounds its kernel, its product, its bias and their sum, the first one z
    # too: 21 roundings of relative error <= u, 0.021 (float16) and 0.16 (bfloat16) of SCALE
    np.testing.assert_allclose(onnx, mixed, atol=rounding(policy.split("_")[1], 21, SCALE) + float32_orders)
    meta = json.load(open(tmp_path / "export" / "metadata.json"))
    assert meta["precision"] == dict(artifacts="float32", trained=policy)


def test_mixed_precision_is_validated():
    config = tiny("vae_toy")
    config.mixed_precision = "mixed_float16"
    with pytest.raises(UserError, match="mixed_precision is an option of the gan model, not 'vae'"):
        spec.read(config, 1)
    config = tiny("nsgan_toy")
    config.mixed_precision = "float8"
    with pytest.raises(UserError, match="unknown mixed_precision 'float8'; choose one of: auto, float32, mixed_bfloat16, mixed_float16"):
        spec.read(config, 1)
