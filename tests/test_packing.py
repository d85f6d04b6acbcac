"""PacGAN's packing (zoo.models.packing, GAN(pac=m)): the layout of a pack, the losses per pack, the
penalty per pack, and the config's one-line switch."""
import numpy as np
import pytest
import tensorflow as tf

import configs
from tests.helpers import fit, toy_gan
from train import build, spec
from zoo.errors import UserError
from zoo.models import noise
from zoo.models.packing import pack, packed_shape


def test_points_are_packed_in_order_along_the_last_axis():
    x = tf.reshape(tf.range(12.0), [6, 2])  # example i is (2i, 2i + 1)
    np.testing.assert_array_equal(pack(x, 3), [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    np.testing.assert_array_equal(pack(x, 1), x)
    assert packed_shape((2,), 3) == (6,)


def test_images_are_packed_along_the_channels():
    x = tf.random.stateless_normal([4, 5, 7, 3], seed=[1, 2])
    packed = pack(x, 2)
    assert packed.shape == (2, 5, 7, 6) and packed_shape((5, 7, 3), 2) == (5, 7, 6)
    for i in range(2):  # pack i holds examples 2i and 2i + 1, channel blocks in that order
        np.testing.assert_array_equal(packed[i, ..., :3], x[2 * i])
        np.testing.assert_array_equal(packed[i, ..., 3:], x[2 * i + 1])


def test_a_batch_that_is_not_a_multiple_of_the_pack_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match="pac=4"):
        pack(tf.zeros([6, 2]), 4)


def _losses_by_hand(model, x, step=0):
    """The NS-GAN critic loss of the model's first step computed from its parts: the critic on the
    packs of the real batch and of G(z) for the step's z, averaged over packs."""
    z = model._draw_z(step, noise.CRITIC_Z, 0, x.shape[0])
    fake = model.generator(z, training=True)
    real_s = model.discriminator(pack(x, model.pac), training=True)
    fake_s = model.discriminator(pack(fake, model.pac), training=True)
    return float(tf.reduce_mean(tf.nn.softplus(-real_s) + tf.nn.softplus(fake_s)))


def test_the_critic_loss_is_the_mean_over_packs():
    model = toy_gan(tf.distribute.get_strategy(), pac=4)
    assert model.discriminator.inputs[0].shape[-1] == 8  # 4 points of 2 coordinates
    x = next(iter(tf.data.Dataset.from_tensors(
        tf.random.stateless_normal([64, 2], seed=[3, 4])).repeat()))
    expected = _losses_by_hand(model, x)
    history = model.fit(tf.data.Dataset.from_tensors(x).repeat(), steps_per_epoch=1, epochs=1, verbose=0,
                        shuffle=False).history
    assert history["d_loss"][-1] == pytest.approx(expected, rel=1e-5)


def test_the_penalty_draws_one_eps_per_pack():
    model = toy_gan(tf.distribute.get_strategy(), objective="wasserstein", n_critic=2, gp_weight=10.0, pac=4)
    history = fit(model, 2)  # a penalty per example would not fit the [B / 4] losses
    assert np.isfinite(history["gp"][-1]) and history["gp"][-1] > 0


def test_a_packed_critic_sees_collapse():
    # the point of packing: a critic of 2 samples can tell 2 independent samples from 2 copies of one;
    # the same pack of a collapsed batch has equal halves, a pack of the data does not
    x = tf.random.stateless_normal([8, 2], seed=[5, 6])
    collapsed = tf.repeat(x[:1], 8, axis=0)
    packs, collapsed_packs = pack(x, 2), pack(collapsed, 2)
    assert float(tf.reduce_min(tf.norm(packs[:, :2] - packs[:, 2:], axis=1))) > 0
    assert float(tf.reduce_max(tf.norm(collapsed_packs[:, :2] - collapsed_packs[:, 2:], axis=1))) == 0


def test_pac_is_a_one_line_config_change():
    config = configs.load("nsgan_toy", {"model.pac": 4, "data.batch_size": 400, "steps": 10, "log_every": 10})
    spec.read(config, replicas=1)
    model = build.model(config)
    assert model.pac == 4 and model.discriminator.inputs[0].shape[-1] == 8
    assert model.get_config()["pac"] == 4


@pytest.mark.parametrize("overrides, replicas, message", [
    ({"model.pac": 3}, 1,
     r"config.data.batch_size \(100\) must be a multiple of config.model.pac \(3\) on each of the 1 replica"),
    ({"model.pac": 8, "data.batch_size": 200}, 2,
     r"must be a multiple of config.model.pac \(8\) on each of the 2 replica"),
    ({"model.pac": 0}, 1, r"config.model.pac must be a positive integer, not 0"),
])
def test_bad_packing_is_one_clear_sentence(overrides, replicas, message):
    with pytest.raises(UserError, match=message):
        spec.read(configs.load("nsgan_toy", overrides), replicas=replicas)
