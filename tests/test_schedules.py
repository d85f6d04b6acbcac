"""The official BiGAN recipe's pieces: the constant-then-linear learning rate, the training split,
and the validation 1-NN protocol."""
import keras
import pytest

import configs
from configs import common
from train import optimizers, spec
from zoo import schedules
from zoo.data import images
from zoo.errors import UserError
from zoo.metrics import suite


def test_constant_then_linear_by_hand_and_through_serialisation():
    lr = schedules.ConstantThenLinear(2e-4, start=100, end=300)
    assert [float(lr(s)) for s in (0, 100, 200, 250, 300, 1000)] == pytest.approx([2e-4, 2e-4, 1e-4, 5e-5, 0, 0])
    adam = keras.optimizers.deserialize(keras.optimizers.serialize(keras.optimizers.Adam(lr)))
    assert float(adam.learning_rate) == pytest.approx(2e-4)  # at iterations 0
    assert adam.get_config()["learning_rate"]["config"] == dict(learning_rate=2e-4, start=100, end=300)
    with pytest.raises(ValueError, match="0 <= start < end"):
        schedules.ConstantThenLinear(1e-3, 5, 5)


def test_decay_from_is_a_fraction_of_the_run_checked_when_the_config_is_read():
    part = spec.Part.of(common.optimizer("adam", 2e-4, decay_from=0.5), "g_optimizer")
    opt = optimizers.build(part, steps=1000)
    assert opt.get_config()["learning_rate"]["config"] == dict(learning_rate=2e-4, start=500, end=1000)
    for bad in (1.0, -0.1, "half", True):
        config = configs.load("nsgan_toy")
        config.g_optimizer.decay_from = bad
        with pytest.raises(UserError, match=r"config.g_optimizer.decay_from is a fraction of config.steps in \[0, 1\)"):
            spec.read(config)


def test_a_run_sees_only_its_split():
    allowed = images.arrays("mnist", "train[:200]")[0]
    seen = {x.tobytes() for x in next(iter(images.dataset("mnist", 2000, seed=0, split="train[:200]"))).numpy()}
    assert seen <= {a.tobytes() for a in allowed} and len(seen) > 190  # 10 passes, shuffled across passes
    with pytest.raises(UserError, match="bad split 'trian' of 'mnist'"):
        images.dataset("mnist", 8, seed=0, split="trian")


def test_validation_nn1_of_raw_pixels_is_the_official_baseline():
    """Raw pixels under the official BiGAN protocol: 97.27% of the 10,000 validation images (the
    figure the official protocol gives for pixels); the codes of the whole train split that
    encoder_suite hands it give what its own encoding gives (on 16 of the pixels, to be quick)."""
    from zoo.metrics import encoder

    assert suite.validation_nn1(lambda x: x, "mnist") == pytest.approx(0.9727, abs=1e-9)
    sixteen = lambda x: x.reshape(len(x), -1)[:, ::49]  # noqa: E731
    codes = encoder.codes(sixteen, suite.reference("mnist", "train")[0])
    assert suite.validation_nn1(None, "mnist", train_codes=codes) == suite.validation_nn1(sixteen, "mnist")
    with pytest.raises(ValueError, match="train_codes holds 1000 codes; the mnist train split has 60000 images"):
        suite.validation_nn1(None, "mnist", train_codes=codes[:1000])


def test_the_hidden_encoder_is_the_layer_the_linear_code_is_read_from():
    """nn1_acc_val_hidden compares the official `feats` (NNC_e-): the 1024 units whose product with
    the output layer's kernel (no bias) IS the encoder's linear code."""
    import numpy as np

    from zoo.models.bigan import BiGAN
    from zoo.nets import bigan_mlp

    shape = (28, 28, 1)
    model = BiGAN(bigan_mlp.generator(50, shape), bigan_mlp.encoder(shape, 50),
                  bigan_mlp.joint_discriminator(shape, 50), squash=True, prior="uniform")
    x = np.random.default_rng(0).uniform(-1, 1, (8, *shape)).astype(np.float32)
    hidden = np.asarray(model.hidden_encoder()(x))
    assert hidden.shape == (8, 1024) and (hidden < 0).any()  # after the LeakyReLU, before the output layer
    kernel = np.asarray(model.encoder.layers[-1].kernel)
    np.testing.assert_allclose(hidden @ kernel, np.asarray(model.features(x)), rtol=1e-4, atol=1e-5)
