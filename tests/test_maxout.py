"""Maxout units (zoo.nets.maxout) against their definition, and PacGAN's toy networks built from the config."""
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

import configs
from train import build
from zoo.errors import UserError
from zoo.nets.maxout import Maxout


def test_maxout_is_the_max_over_each_units_consecutive_pieces():
    rng = np.random.default_rng(0)
    layer = Maxout(3, 4)
    x = rng.normal(size=(5, 2)).astype(np.float32)
    layer.build((None, 2))
    w = rng.normal(size=(2, 12)).astype(np.float32)
    b = rng.normal(size=(12,)).astype(np.float32)
    layer.set_weights([w, b])
    affine = x @ w + b  # unit j owns columns 4j .. 4j + 3 (Blocks' LinearMaxout layout)
    expected = np.stack([affine[:, 4 * j:4 * j + 4].max(axis=1) for j in range(3)], axis=1)
    np.testing.assert_allclose(layer(x), expected, rtol=1e-6, atol=1e-6)
    # the other reading of the same columns (piece-major) gives other values: the layout matters
    assert not np.allclose(expected, affine.reshape(5, 4, 3).max(axis=1))


def test_pacgan_networks_from_the_toy_config():
    model = build.model(configs.load("nsgan_toy"))
    d_layers = [l for l in model.discriminator.layers if isinstance(l, Maxout)]
    assert [(l.units, l.pieces) for l in d_layers] == [(200, 5)] * 3
    bn = [l for l in model.generator.layers if isinstance(l, keras.layers.BatchNormalization)]
    dense = [l for l in model.generator.layers if isinstance(l, keras.layers.Dense)]
    assert len(bn) == 4 and [l.use_bias for l in dense] == [False] * 4 + [True]  # no biases before batch norm
    kernel = np.concatenate([l.kernel.numpy().ravel() for l in dense[:4]])
    assert abs(kernel.std() - 0.02) < 0.001  # N(0, 0.02^2), not Glorot


def _generator_batch_norms(overrides=None):
    model = build.model(configs.load("nsgan_toy", overrides))
    return model.generator, [l for l in model.generator.layers if isinstance(l, keras.layers.BatchNormalization)]


def test_the_toy_generators_batch_norm_takes_pacgans_blocks_settings():
    # the recipe keeps Keras's defaults (every recorded toy row was measured with them)
    _, bn = _generator_batch_norms()
    assert [(l.epsilon, l.momentum) for l in bn] == [(1e-3, 0.99)] * 4
    g, bn = _generator_batch_norms({"nets.generator.batch_norm_epsilon": 1e-4,
                                    "nets.generator.batch_norm_momentum": 0.95})
    assert [(l.epsilon, l.momentum) for l in bn] == [(1e-4, 0.95)] * 4
    # what the two numbers mean, on the first hidden layer: the output in training mode is
    # (h - mean) / sqrt(var + epsilon) (gamma 1, beta 0 at the start), and one training step moves the
    # population mean from 0 to 0.05 of the batch's mean (Blocks: new = 0.95 old + 0.05 batch)
    z = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32)
    h = z @ g.layers[1].kernel.numpy().astype(np.float64)
    first = keras.Model(g.input, g.layers[2].output)
    out = first(z, training=True).numpy()
    np.testing.assert_allclose(out, (h - h.mean(0)) / np.sqrt(h.var(0) + 1e-4), rtol=1e-3, atol=1e-4)
    assert not np.allclose(out, (h - h.mean(0)) / np.sqrt(h.var(0) + 1e-3), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(bn[0].moving_mean.numpy(), 0.05 * h.mean(0), rtol=1e-4, atol=1e-9)


def test_bad_batch_norm_settings_are_one_sentence_naming_the_net():
    with pytest.raises(UserError, match=r"^config.nets.generator: batch_norm_momentum must be a number in \[0, 1\), "
                                        r"not 1.0$"):
        _generator_batch_norms({"nets.generator.batch_norm_momentum": 1.0})
    with pytest.raises(UserError, match=r"^config.nets.generator: batch_norm_epsilon must be a positive number, "
                                        r"not 0.0$"):
        _generator_batch_norms({"nets.generator.batch_norm_epsilon": 0.0})
    # checked with batch norm off too: a bad value is a mistake whether or not it is used now
    with pytest.raises(UserError, match=r"batch_norm_momentum must be a number in \[0, 1\), not -0.5$"):
        _generator_batch_norms({"nets.generator.batch_norm": False, "nets.generator.batch_norm_momentum": -0.5})


@pytest.mark.parametrize("builder", ["generator", "encoder"])
@pytest.mark.parametrize("key, value", [("batch_norm_epsilon", float("inf")), ("batch_norm_epsilon", float("nan")),
                                        ("batch_norm_epsilon", True), ("batch_norm_epsilon", "1e-3"),
                                        ("batch_norm_epsilon", None), ("batch_norm_momentum", False),
                                        ("batch_norm_momentum", float("nan")), ("batch_norm_momentum", "0.9")])
def test_batch_norm_settings_must_be_finite_numbers(builder, key, value):
    from zoo.nets import mlp

    args = (2, (2,)) if builder == "generator" else ((2,), 2)
    with pytest.raises(ValueError, match=rf"^{key} must be a .*number.*, not {re.escape(repr(value))}$"):
        getattr(mlp, builder)(*args, batch_norm=True, **{key: value})


def test_the_encoders_batch_norm_takes_its_settings():
    model = build.model(configs.load("ali_mnist", {"nets.encoder.batch_norm_epsilon": 1e-4,
                                                   "nets.encoder.batch_norm_momentum": 0.95}))
    bn = [l for l in model.encoder.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert bn and [(l.epsilon, l.momentum) for l in bn] == [(1e-4, 0.95)] * len(bn)
    bn = [l for l in model.generator.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert bn and [(l.epsilon, l.momentum) for l in bn] == [(1e-3, 0.99)] * len(bn)  # the generator's own


def test_a_maxout_checkpoint_loads_in_a_fresh_process(tmp_path):
    model = build.model(configs.load("nsgan_toy"))
    path = str(tmp_path / "m.keras")
    model.save(path)
    x = np.linspace(-1, 1, 16, dtype=np.float32).reshape(2, 8)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", model.discriminator(x[:, :2]).numpy())
    code = ("import keras, numpy as np, zoo.models\n"
            f"m = keras.saving.load_model({path!r}, safe_mode=True)\n"
            f"x = np.load({str(tmp_path / 'x.npy')!r})[:, :2]\n"
            f"np.testing.assert_allclose(m.discriminator(x).numpy(), np.load({str(tmp_path / 'y.npy')!r}), rtol=1e-6)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
